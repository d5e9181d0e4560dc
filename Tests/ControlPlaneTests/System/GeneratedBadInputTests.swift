import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ControlPlane

extension SystemTests {
    /// Schemathesis (from PyPI) drives the live API from `/openapi.json` with generated valid and
    /// invalid inputs, as three kinds of caller. Every answer must be a non-5xx status that the
    /// document declares for the operation, with a body matching the declared schema and content type.
    @Suite("Generated input against the document (schemathesis)")
    struct GeneratedBadInputTests {
        enum Caller: String, CaseIterable, Sendable { case superuser, member, anonymous }

        static let checks = [
            "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
        ]

        @Test(arguments: Caller.allCases)
        func answersConformToTheDocument(as caller: Caller) async throws {
            let python = try await PythonEnvironment.python(installing: "schemathesis==4.32.5", marker: "schemathesis")
            let schemathesis = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                // Real resources, so generated requests reach handlers and not only 404s.
                try await cp.makeOrg()
                try await cp.makeOS()
                let alice = try await cp.addMember("alice@acme.test")
                let memberKey = try await cp.apiKey(forUser: alice)
                let secret: String? =
                    switch caller {
                    case .superuser: cp.adminKey
                    case .member: memberKey
                    case .anonymous: nil
                    }
                // The credential works (a member sees its org), so the run is not 401s only.
                let orgs = try await cp.send(.get, "/v1/orgs", key: .some(secret))
                #expect(orgs.status == (secret == nil ? 401 : 200), "\(orgs.text)")
                let port = try #require(cp.client.port)
                var arguments = [
                    "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", Self.checks.joined(separator: ","), "--max-examples", "15",
                    "--seed", "7", "--request-timeout", "10", "--no-color",
                ]
                if let secret { arguments += ["--header", "Authorization: Bearer \(secret)"] }
                let run = try await CLI.run(schemathesis, arguments, environment: ["HOME": NSTemporaryDirectory()])
                let output = (run.stdout + run.stderr).replacingOccurrences(of: cp.adminKey, with: "<admin key>")
                    .replacingOccurrences(of: memberKey, with: "<member key>")
                #expect(run.status == 0, "schemathesis as \(caller) found non-conforming answers:\n\(output.suffix(6000))")
                #expect(output.contains("passed"), "\(output.suffix(2000))")
            }
        }
    }
}
