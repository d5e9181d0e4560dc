import AgentOSAuth
import AgentOSAuthHummingbird
import AgentOSAuthTestSupport
import DemoOS
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The handler-side checks of demo-os (resume, compact, fork need `<family>:<id>:run`; Agno maps
/// none of them), the helpers' behaviour without a principal, and the switches seen end to end.
@Suite("Handler checks and switches through demo-os")
struct HandlerChecksTests {
    struct Reply {
        let status: Int
        let json: [String: Any]
        var detail: String? { json["detail"] as? String }
    }

    static let base = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID]

    func withDemoOS(_ extra: [String: String] = [:], _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: Self.base.merging(extra) { $1 }))
        try await Application(router: DemoOS.buildRouter(gate: gate, osID: TestTokens.osID)).test(.router, body)
    }

    func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        form: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: path, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
            response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
            return Reply(status: Int(response.status.code), json: json ?? [:])
        }
    }

    @Test(arguments: [true, false])
    func resumeCompactAndForkNeedTheRunGrant(denyUnmapped: Bool) async throws {
        try await withDemoOS(["AGENTOS_AUTH_DENY_UNMAPPED_ROUTES": "\(denyUnmapped)"]) { client in
            let reader = TestTokens.scoped(["agents:read", "teams:read"])
            let runner = TestTokens.make {
                $0["scopes"] = ["agents:web-agent:run"]; $0["session_id"] = "s1"
            }
            let paths = ["/agents/web-agent/runs/r0/resume", "/agents/web-agent/sessions/s1/compact", "/agents/web-agent/sessions/s1/fork"]
            for path in paths {
                let refused = try await send(client, .post, path, token: reader)
                #expect(refused.status == 403 && refused.detail == "Access denied to run this agent", "\(path)")
            }
            for path in ["/teams/research-team/runs/r0/resume", "/teams/research-team/sessions/s1/fork"] {
                let refused = try await send(client, .post, path, token: reader)
                #expect(refused.status == 403 && refused.detail == "Access denied to run this team", "\(path)")
            }
            // The grant passes the check; the handler then looks the run or session up.
            #expect(try await send(client, .post, paths[0], token: runner).detail == "Run not found")
            #expect(try await send(client, .post, paths[1], token: runner).detail == "Session not found")
            let run = try await send(client, .post, "/agents/web-agent/runs", token: runner, form: "message=hi")
            #expect(run.status == 200 && run.json["session_id"] as? String == "s1")
            let runID = try #require(run.json["run_id"] as? String)
            let resumed = try await send(client, .post, "/agents/web-agent/runs/\(runID)/resume", token: runner)
            #expect(resumed.status == 200 && resumed.json["run_id"] as? String == runID)
            let compacted = try await send(client, .post, paths[1], token: runner)
            #expect(compacted.status == 200 && compacted.json["compacted"] as? Bool == true)
            #expect(try await send(client, .post, paths[2], token: runner).json["forked_from"] as? String == "s1")
            // Another agent's run id or session is refused before it is looked up.
            let other = try await send(client, .post, "/agents/finance-agent/runs/\(runID)/resume", token: runner)
            #expect(other.status == 403 && other.detail == "Access denied to run this agent")
        }
    }

    @Test func withoutAuthorizationAValidTokenRunsAnything() async throws {
        try await withDemoOS(["AGENTOS_AUTHORIZATION": "false"]) { client in
            let noScopes = TestTokens.make()
            let run = try await send(client, .post, "/agents/finance-agent/runs", token: noScopes, form: "message=hi")
            #expect(run.status == 200 && run.json["user_id"] as? String == "alice")
            let agents = try await client.execute(uri: "/agents", method: .get, headers: [.authorization: "Bearer \(noScopes)"]) {
                (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [[String: Any]])?.compactMap {
                    $0["id"] as? String
                }
            }
            #expect(agents == ["web-agent", "finance-agent"])
            #expect(try await send(client, .delete, "/sessions/\(run.json["session_id"] as? String ?? "")", token: noScopes).status == 204)
            #expect(try await send(client, .get, "/sessions", token: nil).detail == "Authorization header missing")
            #expect(
                try await send(client, .get, "/sessions", token: TestTokens.make(key: .rsa2)).detail
                    == "Invalid token: Signature verification failed"
            )
        }
    }

    @Test func aCustomAdminScopeReplacesTheDefaultOne() async throws {
        try await withDemoOS(["AGENTOS_ADMIN_SCOPE": "os:root"]) { client in
            let root = TestTokens.scoped(["os:root"])
            #expect(try await send(client, .post, "/agents/finance-agent/runs", token: root, form: "message=hi").status == 200)
            #expect(try await send(client, .get, "/no-such-route", token: root).detail == "Not Found")
            let old = try await send(
                client,
                .post,
                "/agents/finance-agent/runs",
                token: TestTokens.scoped(["agent_os:admin"]),
                form: "message=hi"
            )
            #expect(old.status == 403 && old.detail == "Insufficient permissions. Required scope(s): agents:run")
        }
    }

    /// The gate reads only the Authorization header: proxy headers claiming a local or trusted
    /// client change nothing.
    @Test func forwardedHeadersAreNotTrusted() async throws {
        try await withDemoOS { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Forwarded-For")!] = "127.0.0.1"
            headers[HTTPField.Name("X-Real-IP")!] = "127.0.0.1"
            headers[HTTPField.Name("Forwarded")!] = "for=127.0.0.1;proto=https"
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let anonymous = try await send(client, .get, "/sessions", token: nil, headers: headers)
            #expect(anonymous.status == 401 && anonymous.detail == "Authorization header missing")
            let reader = try await send(client, .get, "/sessions", token: TestTokens.scoped(["agents:web-agent:read"]), headers: headers)
            #expect(reader.status == 403 && reader.detail == "Insufficient permissions. Required scope(s): sessions:read")
        }
    }

    /// With `autoGenerateHeadEndpoints`, Hummingbird answers HEAD with the GET handler: the gate
    /// must require GET's scopes for it, also when unmapped routes are open (where an unmapped
    /// `HEAD /sessions` would otherwise run the handler). Statuses only: HEAD answers have no body.
    @Test(arguments: [true, false])
    func headIsAuthorisedAsTheGETItRuns(denyUnmapped: Bool) async throws {
        let environment = Self.base.merging(["AGENTOS_AUTH_DENY_UNMAPPED_ROUTES": "\(denyUnmapped)"]) { $1 }
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let router = Router(context: AgentOSRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.addMiddleware { AgentOSAuthMiddleware(gate: gate) }
        router.get("/sessions") { _, _ in "every session" }
        try await Application(router: router).test(.router) { client in
            let refused = try await client.execute(
                uri: "//sessions",
                method: .head,
                headers: [.authorization: "Bearer \(TestTokens.scoped(["agents:web-agent:read"]))"]
            ) {
                Int($0.status.code)
            }
            #expect(refused == 403)
            let allowed = try await client.execute(
                uri: "/sessions",
                method: .head,
                headers: [.authorization: "Bearer \(TestTokens.scoped(["sessions:read"]))"]
            ) {
                Int($0.status.code)
            }
            #expect(allowed == 200)
        }
    }

    /// A handler that calls the helpers on a path the gate excluded has no principal: refused.
    @Test func helpersDenyWithoutAPrincipal() async throws {
        var configuration = try AgentOSAuthConfiguration(environment: Self.base)
        configuration.excludedPaths.append("/public/*")
        let gate = try AuthGate(configuration: configuration)
        let router = Router(context: AgentOSRequestContext.self)
        router.addMiddleware { AgentOSAuthMiddleware(gate: gate) }
        router.post("/public/agents/{id}/runs") { _, context in
            try context.requireAccess("agents", id: try context.parameters.require("id"), action: "run")
            return "ran"
        }
        router.get("/public/agents") { _, context in
            try context.filterReadable("agents", ["web-agent"], id: { $0 }).joined(separator: ",")
        }
        try await Application(router: router).test(.router) { client in
            let run = try await send(client, .post, "/public/agents/web-agent/runs", token: nil)
            #expect(run.status == 403 && run.detail == "Access denied to run this agent")
            let list = try await send(client, .get, "/public/agents", token: nil)
            #expect(list.status == 403 && list.detail == "Insufficient permissions. Required scope(s): agents:read")
        }
    }
}
