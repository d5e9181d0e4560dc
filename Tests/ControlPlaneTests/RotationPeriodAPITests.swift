import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// The rotation period of an OS through the API: set on registration and by PATCH, shown in the
/// OS JSON, bounded with a 400 that names it and changes nothing, and exported as a gauge.
@Suite("Rotation period API")
struct RotationPeriodAPITests {
    @Test func setShownBoundedAndCleared() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("plain", algorithm: "ES256")
            let plain = try await cp.send(.get, "/v1/orgs/acme/os/plain")
            #expect(plain.json.keys.contains("rotation_period") && plain.json["rotation_period"] is NSNull, "\(plain.text)")

            let body: [String: Any] = [
                "id": "prod", "name": "Prod", "algorithm": "ES256", "rotation_period": 7_776_000, "verifier": "agentos-auth",
            ]
            let created = try await cp.send(.post, "/v1/orgs/acme/os", json: body)
            #expect(
                created.status == 201 && (created.json["os"] as? [String: Any])?["rotation_period"] as? Int == 7_776_000,
                "\(created.text)"
            )

            let patched = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["rotation_period": 86_400])
            #expect(patched.status == 200 && patched.json["rotation_period"] as? Int == 86_400, "\(patched.text)")
            let renamed = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["name": "Production"])
            #expect(renamed.json["rotation_period"] as? Int == 86_400, "an absent field leaves the period alone")

            for (value, detail) in [
                (59 as Any, "between 3600 (1 h) and 31536000 (365 days)"), (31_536_001 as Any, "between 3600"),
                ("90d" as Any, "rotation_period"), (-1 as Any, "between 3600"),
            ] {
                let patch = ["rotation_period": value]
                try await cp.expectRefused(.patch, "/v1/orgs/acme/os/prod", json: patch, status: 400, message: detail, note: "\(value): ")
                let register = ["id": "x", "name": "x", "rotation_period": value]
                try await cp.expectRefused(.post, "/v1/orgs/acme/os", json: register, status: 400, message: detail, note: "\(value): ")
            }
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod").json["rotation_period"] as? Int == 86_400, "a refusal changes nothing")
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/x", status: 404, message: "'x'")

            let metrics = try await cp.send(.get, "/metrics", key: .some(nil)).text
            // Fleet aggregates only (no OS label): prod's fresh key on a schedule is not overdue.
            let scheduledAge = try #require(
                MetricsTests.sample(metrics, "controlplane_signing_key_age_max_seconds", ["schedule=\"scheduled\""])
            )
            #expect(scheduledAge >= 0 && scheduledAge < 600, "\(metrics)")
            #expect(MetricsTests.sample(metrics, "controlplane_rotations_overdue") == 0, "\(metrics)")

            let cleared = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["rotation_period": NSNull()])
            #expect(cleared.status == 200 && cleared.json["rotation_period"] is NSNull, "\(cleared.text)")
            let events = try await cp.send(.get, "/v1/orgs/acme/audit?limit=5").json["events"] as? [[String: Any]] ?? []
            let details = events.first { $0["action"] as? String == "os.updated" }?["details"] as? [String: String]
            #expect(details?["rotation_period"] == "", "\(events)")
        }
    }

    /// A period no longer than twice the JWKS max age leaves no time to publish the next key.
    @Test func periodMustOutlastTheJWKSCache() async throws {
        var settings = ControlPlaneHarness.settings
        settings.jwksMaxAge = 3600
        try await ControlPlaneHarness.run(settings: settings) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let body: [String: Any] = ["id": "prod", "name": "Prod", "algorithm": "ES256", "rotation_period": 7200]
            let refused = try await cp.send(.post, "/v1/orgs/acme/os", json: body)
            #expect(refused.status == 400 && refused.text.contains("twice the JWKS max age (3600 s)"), "\(refused.text)")
        }
    }
}
