import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// `/metrics` is scraped before and after a short load, and every family moves as it should.
@Suite("Metrics")
struct MetricsTests {
    /// The value of the sample of `name` whose labels include all of `labels` (`nil` if absent).
    static func sample(_ text: String, _ name: String, _ labels: [String] = []) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let head = line.split(separator: " ").dropLast().joined(separator: " ")
            guard labels.allSatisfy({ head.contains($0) }), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                continue
            }
            return value
        }
        return nil
    }

    @Test func familiesMoveUnderLoad() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod", algorithm: "ES256")
            try await cp.addMember("mo@acme.test", password: "correct horse battery")
            try await cp.bind(["user": "mo@acme.test"], role: "os-viewer")
            let account = try await cp.serviceAccount("bot")
            try await cp.bind(["service_account": account.id], role: "os-viewer")
            let before = try await cp.send(.get, "/metrics", key: .some(nil))
            #expect(before.status == 200 && before.headers[.contentType]?.hasPrefix("text/plain") == true)

            for _ in 0..<3 { #expect(try await cp.token(["subject": "mo@acme.test"]).status == 201) }
            let form = "grant_type=client_credentials&audience=acme/prod&client_id=\(account.clientID)&client_secret=\(account.secret)"
            #expect(try await cp.send(.post, "/oauth/token", form: form, key: .some(nil)).status == 200)
            let login = ["email": "mo@acme.test", "password": "correct horse battery"]
            #expect(try await cp.send(.post, "/v1/auth/login", json: login, key: .some(nil)).status == 201)
            for _ in 0..<2 {
                let wrong = ["email": "mo@acme.test", "password": "wrong horse battery"]
                try await cp.expectRefused(.post, "/v1/auth/login", json: wrong, key: .some(nil), status: 401, message: "email or password")
            }
            let jwks = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            let etag = try #require(jwks.headers[.eTag])
            #expect(
                try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil), headers: [.ifNoneMatch: etag]).status == 304
            )
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/nope", key: .some(nil), status: 401)

            let after = try await cp.send(.get, "/metrics", key: .some(nil)).text
            func delta(_ name: String, _ labels: [String]) -> Double {
                (Self.sample(after, name, labels) ?? 0) - (Self.sample(before.text, name, labels) ?? 0)
            }
            let tokens = "controlplane_tokens_issued_total"
            #expect(delta(tokens, [#"grant="api""#, #"algorithm="ES256""#]) == 3, "\(after)")
            #expect(delta(tokens, [#"grant="client_credentials""#, #"algorithm="ES256""#]) == 1)
            #expect(delta("controlplane_sign_ins_total", [#"outcome="success""#]) == 1)
            #expect(delta("controlplane_sign_ins_total", [#"outcome="failure""#]) == 2)
            let served = "controlplane_public_documents_served_total"
            #expect(delta(served, [#"document="jwks""#, #"result="sent""#]) == 1)
            #expect(delta(served, [#"document="jwks""#, #"result="not_modified""#]) == 1)
            let requests = "controlplane_http_requests_total"
            #expect(delta(requests, [#"route="/v1/orgs/{org}/os/{os}/tokens""#, #"status="201""#]) == 3)
            #expect(delta(requests, [#"route="/v1/auth/login""#, #"status="401""#]) == 2)
            // The raw path never becomes a label: an unknown route is "unmatched" or its template.
            #expect(!after.contains("/v1/orgs/acme/"))
            #expect((Self.sample(after, "controlplane_http_request_duration_seconds_count", [#"route="/v1/auth/login""#]) ?? 0) >= 3)
            // Gauges read from the database at scrape time.
            #expect(Self.sample(after, "controlplane_oses_without_active_key") == 0)
            let age = try #require(Self.sample(after, "controlplane_signing_key_age_max_seconds", [#"schedule="manual""#]))
            #expect(age >= 0 && age < 600)
            let migrations = try TestCluster.migrations.count
            #expect(Self.sample(after, "controlplane_migrations_applied") == Double(migrations))
            #expect((Self.sample(after, "controlplane_db_connections") ?? 0) >= 1)
            // Revoking the only key: the OS reports no active key.
            let kid = try #require(
                (try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]])?.first?["kid"] as? String
            )
            #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke").status == 200)
            let revoked = try await cp.send(.get, "/metrics", key: .some(nil)).text
            #expect(Self.sample(revoked, "controlplane_oses_without_active_key") == 1)
        }
    }
}
