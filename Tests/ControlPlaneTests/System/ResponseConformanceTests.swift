import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

extension SystemTests {
    /// Real answers of a scripted session — every resource exists, so success bodies are seen, not
    /// only 404s as with generated input — checked against the schemas `openapi.yaml` declares for
    /// each operation and status, by Python's `jsonschema` (Draft 2020-12, OpenAPI 3.1's dialect).
    @Suite("Answers match the document's schemas")
    struct ResponseConformanceTests {
        struct Sample: Encodable {
            var method: String
            var path: String
            var status: Int
            var body: String
        }

        /// What a client does with an organisation, an OS, a member, roles, grants and tokens.
        static func samples(_ cp: ControlPlaneHarness) async throws -> [Sample] {
            var samples: [Sample] = []
            // `expected` is the status docs/api.md and the document give for the request: a sample
            // answered with an error would be checked against the error schema only, and the
            // operation's own answer never would.
            func record(
                _ expected: Int,
                _ method: HTTPRequest.Method,
                _ path: String,
                _ template: String,
                json: Any? = nil,
                key: String?? = .none
            ) async throws -> ControlPlaneHarness.Reply {
                let reply = try await cp.send(method, path, json: json, key: key)
                #expect(
                    reply.status == expected,
                    "\(method) \(template): \(reply.status), expected \(expected) (\(reply.errorCode ?? "no error code"))"
                )
                samples.append(Sample(method: method.rawValue, path: template, status: reply.status, body: reply.text))
                return reply
            }
            _ = try await record(201, .post, "/v1/orgs", "/v1/orgs", json: ["slug": "acme", "name": "Acme"])
            _ = try await record(200, .get, "/v1/orgs", "/v1/orgs")
            _ = try await record(200, .get, "/v1/orgs/acme", "/v1/orgs/{org}")
            _ = try await record(
                201,
                .post,
                "/v1/orgs/acme/os",
                "/v1/orgs/{org}/os",
                json: ["id": "prod", "name": "Prod", "url": "http://os.test", "verifier": "agentos-auth"]
            )
            _ = try await record(
                201,
                .post,
                "/v1/orgs/acme/os",
                "/v1/orgs/{org}/os",
                json: ["id": "off", "name": "Off", "authorization": false]
            )
            _ = try await record(200, .get, "/v1/orgs/acme/os", "/v1/orgs/{org}/os")
            _ = try await record(200, .get, "/v1/orgs/acme/os/prod", "/v1/orgs/{org}/os/{os}")
            _ = try await record(200, .patch, "/v1/orgs/acme/os/prod", "/v1/orgs/{org}/os/{os}", json: ["name": "Production"])
            _ = try await record(200, .get, "/v1/orgs/acme/os/prod/keys", "/v1/orgs/{org}/os/{os}/keys")
            _ = try await record(201, .post, "/v1/orgs/acme/os/prod/keys", "/v1/orgs/{org}/os/{os}/keys", json: ["algorithm": "ES256"])
            _ = try await record(200, .get, "/v1/orgs/acme/os/prod/jwks.json", "/v1/orgs/{org}/os/{os}/jwks.json")
            _ = try await record(201, .post, "/v1/orgs/acme/os/off/authorization", "/v1/orgs/{org}/os/{os}/authorization", json: [:])
            let member = try await record(
                201,
                .post,
                "/v1/orgs/acme/members",
                "/v1/orgs/{org}/members",
                json: ["email": "alice@acme.test", "name": "Alice", "role": "member"]
            )
            let user = ((member.json["user"] as? [String: Any])?["id"] as? String) ?? ""
            // Alice joins (a new account, no credential), so a token can be issued for her below:
            // the subject of a token must be an active member (docs/api.md, "Token requests").
            let code = ((member.json["invitation"] as? [String: Any])?["code"] as? String) ?? ""
            _ = try await record(
                201,
                .post,
                "/v1/invitations/accept",
                "/v1/invitations/accept",
                json: ["code": code, "name": "Alice", "password": "correct horse battery staple"],
                key: .some(nil)
            )
            _ = try await record(200, .get, "/v1/orgs/acme/members", "/v1/orgs/{org}/members")
            _ = try await record(200, .get, "/v1/orgs/acme/invitations", "/v1/orgs/{org}/invitations")
            _ = try await record(200, .get, "/v1/orgs/acme/roles", "/v1/orgs/{org}/roles")
            _ = try await record(
                201,
                .post,
                "/v1/orgs/acme/roles",
                "/v1/orgs/{org}/roles",
                json: ["slug": "runner", "scopes": ["agents:*:run"]]
            )
            _ = try await record(200, .get, "/v1/orgs/acme/roles/runner", "/v1/orgs/{org}/roles/{role}")
            _ = try await record(
                201,
                .post,
                "/v1/orgs/acme/role-bindings",
                "/v1/orgs/{org}/role-bindings",
                json: ["subject": ["user": user], "role": "os-viewer"]
            )
            _ = try await record(200, .get, "/v1/orgs/acme/role-bindings", "/v1/orgs/{org}/role-bindings")
            _ = try await record(
                201,
                .post,
                "/v1/orgs/acme/os/prod/grants",
                "/v1/orgs/{org}/os/{os}/grants",
                json: ["subject": ["user": user], "scope": "agents:web-agent:run"]
            )
            _ = try await record(200, .get, "/v1/orgs/acme/os/prod/grants", "/v1/orgs/{org}/os/{os}/grants")
            _ = try await record(200, .get, "/v1/orgs/acme/os/prod/access?user=\(user)", "/v1/orgs/{org}/os/{os}/access")
            _ = try await record(
                200,
                .post,
                "/v1/orgs/acme/os/prod/explain",
                "/v1/orgs/{org}/os/{os}/explain",
                json: ["subject": ["user": user], "method": "POST", "path": "/agents/web-agent/runs"]
            )
            _ = try await record(201, .post, "/v1/orgs/acme/os/prod/tokens", "/v1/orgs/{org}/os/{os}/tokens", json: ["subject": user])
            _ = try await record(201, .post, "/v1/orgs/acme/service-accounts", "/v1/orgs/{org}/service-accounts", json: ["name": "ci"])
            _ = try await record(200, .get, "/v1/orgs/acme/service-accounts", "/v1/orgs/{org}/service-accounts")
            _ = try await record(201, .post, "/v1/orgs/acme/os/prod/security-key", "/v1/orgs/{org}/os/{os}/security-key")
            _ = try await record(200, .get, "/v1/orgs/acme/audit", "/v1/orgs/{org}/audit")
            _ = try await record(200, .get, "/v1/orgs/acme/audit/verify", "/v1/orgs/{org}/audit/verify")
            _ = try await record(200, .get, "/v1/admin/keys", "/v1/admin/keys")
            _ = try await record(201, .post, "/v1/admin/keys", "/v1/admin/keys", json: ["name": "spare", "expires_in_days": 7])
            return samples
        }

        @Test func scriptedAnswersMatchTheirSchemas() async throws {
            let python = try await PythonEnvironment.python(
                installing: "openapi-spec-validator==0.9.0",
                marker: "openapi_spec_validator, jsonschema, yaml"
            )
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                let samples = try await Self.samples(cp)
                let file = NSTemporaryDirectory() + "cp-samples-\(UUID().uuidString).json"
                try JSONEncoder().encode(samples).write(to: URL(fileURLWithPath: file))
                defer { unlink(file) }
                let script = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(
                    "Tests/Scripts/validate_responses.py"
                ).path
                let result = try await PythonEnvironment.run(python, [script, OpenAPITests.documentPath, file])
                let output = result.output.replacingOccurrences(of: cp.adminKey, with: "<admin key>")
                #expect(result.status == 0, "\(output.suffix(4000))")
                #expect(output.contains("checked \(samples.count) answers"), "\(output.suffix(1000))")
            }
        }
    }
}
