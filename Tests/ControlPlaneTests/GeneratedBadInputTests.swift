import Foundation
import HummingbirdTesting
import Testing

@testable import ControlPlane

/// Schemathesis (from PyPI) drives the live API from `/openapi.json` with generated valid and
/// invalid inputs; no answer may be a 5xx.
@Suite("Generated bad input (schemathesis)")
struct GeneratedBadInputTests {
    @Test func noServerErrors() async throws {
        let python = try await PythonEnvironment.python(installing: "schemathesis==4.32.5", marker: "schemathesis")
        let schemathesis = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            // Real resources, so generated requests reach handlers and not only 404s.
            try await cp.makeOrg()
            try await cp.makeOS()
            try await cp.addMember("alice@acme.test")
            let port = try #require(cp.client.port)
            let process = try ProcessRunner.start(
                schemathesis,
                [
                    "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", "not_a_server_error", "--max-examples", "15", "--seed", "7",
                    "--header", "Authorization: Bearer \(cp.adminKey)", "--request-timeout", "10", "--no-color",
                ],
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
            )
            let status = try await process.exitCode()
            let output = process.output.replacingOccurrences(of: cp.adminKey, with: "<admin key>")
            unlink(process.outputPath)
            #expect(status == 0, "schemathesis found server errors:\n\(output.suffix(4000))")
            #expect(output.contains("passed"), "\(output.suffix(2000))")
        }
    }
}
