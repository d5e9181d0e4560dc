import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ControlPlane

extension SystemTests {
    /// A real Agno AgentOS (agno[os]==3.1.10 from PyPI, two agents on a local echo model) given only
    /// the PEM our control plane publishes and the OS id, judging tokens our control plane issued.
    @Suite("Interop with a real Agno AgentOS")
    struct AgnoInteropTests {
        static let script = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("examples/agno_os.py").path

        /// The venv's Python with Agno (and its MCP server: `examples/agno_os.py --mcp`) and PyJWT
        /// (which needs `cryptography` for RS256; agno[os] does not pull it in).
        static func python() async throws -> String {
            try await PythonEnvironment.python(
                installing: "agno[os,mcp]==3.1.10",
                "mcp==2.3.0",
                "fastmcp==4.2.3",
                "pyjwt[crypto]==2.15.1",
                marker: "agno.os, jwt, cryptography, fastmcp"
            )
        }

        /// `examples/agno_os.py` as OS `agno-prod` with `pem`, answering `/health`, while `body` runs;
        /// `verifyAudience: false` is Agno's own default.
        static func withAgno(
            _ python: String,
            pem: String,
            verifyAudience: Bool = true,
            _ body: (ServerProcess) async throws -> Void
        ) async throws {
            var environment = ["AGENT_OS_ID": "agno-prod", "JWT_VERIFICATION_KEY": pem, "HOME": NSTemporaryDirectory()]
            if !verifyAudience { environment["AGNO_VERIFY_AUDIENCE"] = "false" }
            try await ServerProcess.withServer(python, [script, "--port", "0"], environment: environment, seconds: 60) { agno in
                for _ in 0..<100 where (try? await agno.send("GET", "/health", token: nil).status) != 200 {
                    try await Task.sleep(for: .milliseconds(200))
                }
                try await body(agno)
            }
        }

        @Test func agnoEnforcesOurTokens() async throws {
            let python = try await Self.python()
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                let pem = try await cp.makeOS("agno-prod")
                try await cp.makeOS("other")
                let alice = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": alice], role: "os-viewer")
                try await cp.grant(["user": alice], "agents:web-agent:run", os: "agno-prod")
                let admin = try await cp.addMember("root@acme.test")
                try await cp.bind(["user": admin], role: "os-admin", os: "agno-prod")
                let robot = try await cp.serviceAccount("robot")
                try await cp.bind(["service_account": robot.id], role: "os-viewer", os: "agno-prod")
                try await cp.grant(["service_account": robot.id], "agents:web-agent:run", os: "agno-prod")

                try await Self.withAgno(python, pem: pem) { agno in

                    func token(_ subject: String, os: String = "agno-prod") async throws -> String {
                        let reply = try await cp.token(["subject": subject], os: os)
                        #expect(reply.status == 201, "\(reply.text)")
                        return reply.json["access_token"] as? String ?? ""
                    }
                    let aliceToken = try await token(alice)
                    // Our tokens carry the Token Status List claim; Agno ignores it and accepts them.
                    let status = (jwtPayload(aliceToken)["status"] as? [String: Any])?["status_list"] as? [String: Any]
                    #expect(status?["idx"] is Int && (status?["uri"] as? String)?.hasSuffix("/os/agno-prod/status-list") == true)
                    let list = try await agno.send("GET", "/agents", token: aliceToken)
                    #expect(list.status == 200, "\(list.text)")
                    #expect(Set(list.list.compactMap { $0["id"] as? String }) == ["web-agent", "finance-agent"], "\(list.text)")
                    let run = try await agno.send("POST", "/agents/web-agent/runs", token: aliceToken, form: "message=hi&stream=false")
                    #expect(run.status == 200, "\(run.text)")
                    #expect(run.json["user_id"] as? String == alice && run.json["content"] as? String == "echo: hi", "\(run.text)")
                    let denied = try await agno.send(
                        "POST",
                        "/agents/finance-agent/runs",
                        token: aliceToken,
                        form: "message=hi&stream=false"
                    )
                    #expect(denied.status == 403, "\(denied.text)")
                    #expect(denied.json["detail"] as? String == "Insufficient permissions. Required scope(s): agents:run")

                    // A token for another OS id: Agno verifies the audience → 401.
                    try await cp.bind(["user": alice], role: "os-admin", os: "other")
                    let foreign = try await agno.send("GET", "/agents", token: try await token(alice, os: "other"))
                    #expect(foreign.status == 401, "\(foreign.text)")
                    // That one fails on its signature. Agno's audience check itself: agno-prod's own key, `aud` other.
                    let wrongAudience = try await cp.services.signingKeys.sign(
                        AccessTokenClaims(
                            issuer: "https://cp.test",
                            subject: alice,
                            audience: "other",
                            issuedAt: cp.clock.now(),
                            lifetime: 300,
                            scopes: ["agent_os:admin"]
                        ),
                        org: "acme",
                        os: "agno-prod"
                    ).token
                    let refused = try await agno.send("GET", "/agents", token: wrongAudience)
                    #expect(
                        refused.status == 401
                            && refused.json["detail"] as? String == "Invalid token audience - token not valid for this AgentOS instance",
                        "\(refused.text)"
                    )

                    // A service-account token from /oauth/token (sub svc:<id>).
                    let oauth = try await cp.send(
                        .post,
                        "/oauth/token",
                        form: "grant_type=client_credentials&audience=acme/agno-prod",
                        key: .some(nil),
                        headers: [.authorization: "Basic " + Data("\(robot.clientID):\(robot.secret)".utf8).base64EncodedString()]
                    )
                    let robotToken = try #require(oauth.json["access_token"] as? String, "\(oauth.text)")
                    #expect(jwtPayload(robotToken)["status"] != nil, "client-credentials tokens carry the status claim too")
                    let robotRun = try await agno.send(
                        "POST",
                        "/agents/web-agent/runs",
                        token: robotToken,
                        form: "message=beep&stream=false"
                    )
                    #expect(robotRun.status == 200 && robotRun.json["user_id"] as? String == "svc:\(robot.id)", "\(robotRun.text)")
                    #expect(
                        try await agno.send("POST", "/agents/finance-agent/runs", token: robotToken, form: "message=beep&stream=false")
                            .status
                            == 403
                    )

                    // An os-admin token reaches everything.
                    let adminToken = try await token(admin)
                    #expect(
                        try await agno.send("POST", "/agents/finance-agent/runs", token: adminToken, form: "message=pay&stream=false")
                            .status
                            == 200
                    )
                    #expect(try await agno.send("GET", "/config", token: adminToken).status == 200)
                }
            }
        }

        /// docs/security.md, F3: every kind of JWT the control plane makes other than an access token
        /// (the public Token Status List) is refused by a stock-configured Agno (audience not
        /// verified, Agno's default), while an access token for the same OS passes: the list is
        /// signed with a key of its own that the OS's PEM does not hold.
        @Test func agnoRefusesEveryOtherKindOfJWT() async throws {
            let python = try await Self.python()
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                let pem = try await cp.makeOS("agno-prod")
                let root = try await cp.addMember("root@acme.test")
                try await cp.bind(["user": root], role: "os-admin", os: "agno-prod")
                try await Self.withAgno(python, pem: pem, verifyAudience: false) { agno in
                    let access = try #require(try await cp.token(["subject": root], os: "agno-prod").json["access_token"] as? String)
                    #expect(try await agno.send("GET", "/config", token: access).status == 200)
                    let list = try await cp.send(.get, "/v1/orgs/acme/os/agno-prod/status-list", key: .some(nil))
                    #expect(list.status == 200)
                    for path in ["/config", "/agents"] {
                        let refused = try await agno.send("GET", path, token: list.text)
                        #expect(refused.status == 401, "\(path): \(refused.status) \(refused.text)")
                    }
                }
            }
        }
    }
}
