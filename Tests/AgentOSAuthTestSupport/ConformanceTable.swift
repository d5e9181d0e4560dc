// swift-format-ignore-file
// (A conformance table reads best one row per line.)
import Foundation

/// What a real AgentOS 3.1.10 answered (docs/agno-compatibility.md), row by row. Rows the safer
/// defaults change are marked `DIFFERS` and listed in docs/agno-compatibility.md; service-account
/// (`agno_pat_`) rows are out of scope (see there).
public enum ConformanceTable {
    typealias Row = ConformanceRow
    static let all2 = ["web-agent", "finance-agent"]
    static let runForm = "message=hi&stream=false"

    static func insufficient(_ scope: String) -> String { "Insufficient permissions. Required scope(s): \(scope)" }

    public static func rows(for server: AgnoServer) -> [ConformanceRow] {
        let admin = TestTokens.scoped(["agent_os:admin"])
        switch server {
        case .A: return serverA(admin: admin)
        case .B:
            return [
                Row("aud=other-os (verify_audience off)", .bearer(TestTokens.make { $0["aud"] = "other-os"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("aud missing (verify_audience off)", .bearer(TestTokens.make { $0["aud"] = nil; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("[agents:web-agent:read]", .bearer(TestTokens.scoped(["agents:web-agent:read"])), "GET", "/agents", 200, ids: ["web-agent"]),
                Row("no exp claim (Agno default)", .bearer(TestTokens.make { $0["exp"] = nil; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("unmapped route, any token (Agno default)", .bearer(TestTokens.scoped(["config:read"])), "GET", "/no-such-route", 404, detail: "Not Found"),
            ]
        case .C:
            return [
                Row("iss pinned, matches", .bearer(TestTokens.make { $0["iss"] = "https://cp.example.test"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("iss=https://evil.test", .bearer(TestTokens.make { $0["iss"] = "https://evil.test"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                    detail: "Invalid token: Invalid issuer. Expected: https://cp.example.test, got: https://evil.test"),
                Row("iss missing", .bearer(admin), "GET", "/agents", 401,
                    detail: "Invalid token: Token is missing the \"iss\" claim. Issuer verification requires this claim to be present in the token."),
            ]
        case .J:
            return [
                Row("kid=k1 signed by key1", .bearer(TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("kid=k2 signed by key2", .bearer(TestTokens.make(key: .rsa2, header: ["kid": "k2"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
                Row("kid=k1 but signed by key2", .bearer(TestTokens.make(key: .rsa2, header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                    detail: "Invalid token: Signature verification failed"),
                Row("no kid header", .bearer(admin), "GET", "/agents", 401, detail: "Invalid token: No verification keys configured"),
                Row("kid=k9 (unknown)", .bearer(TestTokens.make(header: ["kid": "k9"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                    detail: "Invalid token: No verification keys configured"),
            ]
        case .S:
            return [
                Row("no token", .none, "GET", "/info", 200, check: { $0["auth_mode"] as? String == "security_key" }),
                Row("no token", .none, "GET", "/agents", 401, detail: "Authorization header required"),
                Row("wrong key", .bearer("not-the-key"), "GET", "/agents", 401, detail: "Invalid authentication token"),
                Row("OS_SECURITY_KEY", .bearer(AgnoServer.securityKey), "GET", "/agents", 200, ids: all2),
                Row("OS_SECURITY_KEY, bare", .header(AgnoServer.securityKey), "GET", "/agents", 200, ids: all2),
                Row("OS_SECURITY_KEY run", .bearer(AgnoServer.securityKey), "POST", "/agents/web-agent/runs", body: runForm, 200,
                    check: { $0["user_id"] is NSNull && $0["content"] as? String == "echo: hi" }),
                Row("valid admin JWT", .bearer(admin), "GET", "/agents", 401, detail: "Invalid authentication token"),
            ]
        case .E:
            return [
                Row("no token", .none, "GET", "/info", 200, check: { $0["auth_mode"] as? String == "jwt" }),
                Row("OS_SECURITY_KEY", .bearer(AgnoServer.securityKey), "GET", "/agents", 401, detail: "Invalid token: Not enough segments"),
                Row("valid admin JWT", .bearer(admin), "GET", "/agents", 200, ids: all2),
            ]
        case .N:
            // Agno's open OS (auth_mode none): every route, no credential, the form's user_id.
            return [
                Row("no token", .none, "GET", "/info", 200, check: { $0["auth_mode"] as? String == "none" }),
                Row("no token", .none, "GET", "/agents", 200, ids: all2),
                Row("no token", .none, "GET", "/config", 200, check: { ($0["agents"] as? [Any])?.count == 2 }),
                Row("no token run", .none, "POST", "/agents/finance-agent/runs", body: "message=hi&user_id=bob", 200,
                    check: { $0["user_id"] as? String == "bob" && $0["content"] as? String == "echo: hi" }),
                Row("any header", .bearer("garbage"), "GET", "/sessions", 200),
            ]
        }
    }

    static func serverA(admin: String) -> [Row] {
        let t = TestTokens.self
        let webRead = t.scoped(["agents:web-agent:read"])
        let webRun = t.scoped(["agents:web-agent:run"])
        let readAndWebRun = t.scoped(["agents:read", "agents:web-agent:run"])
        return [
            Row("no token", .none, "GET", "/health", 200),
            Row("no token", .none, "GET", "/info", 200, check: { $0["auth_mode"] as? String == "jwt" }),
            Row("no token", .none, "GET", "/openapi.json", 200),
            Row("no token", .none, "GET", "/agents", 401, detail: "Authorization header missing"),
            Row("no token", .none, "GET", "/config", 401, detail: "Authorization header missing"),
            Row("admin", .bearer(admin), "GET", "/agents", 200, ids: all2),
            Row("admin", .bearer(admin), "GET", "/teams", 200, ids: ["research-team"]),
            Row("admin", .bearer(admin), "GET", "/config", 200, check: { ($0["agents"] as? [Any])?.count == 2 && ($0["teams"] as? [Any])?.count == 1 }),
            Row("admin", .bearer(admin), "GET", "/sessions", 200),
            Row("admin", .bearer(admin), "POST", "/agents/finance-agent/runs", body: runForm, 200,
                check: { $0["user_id"] as? String == "alice" && $0["content"] as? String == "echo: hi" }),
            Row("admin", .bearer(admin), "GET", "/agents/no-such-agent", 404, detail: "Agent not found"),
            Row("admin", .bearer(admin), "GET", "/no-such-route", 404, detail: "Not Found"),
            Row("no token", .none, "GET", "/no-such-route", 401, detail: "Authorization header missing"),
            Row("[agents:web-agent:read] trailing slash", .bearer(webRead), "GET", "/agents/", 200, ids: ["web-agent"]),
            Row("admin, header without 'Bearer '", .header(admin), "GET", "/agents", 200, ids: all2),
            Row("admin, lowercase 'bearer '", .header("bearer \(admin)"), "GET", "/agents", 200, ids: all2),
            Row("admin in cookie access_token only", .cookie("access_token=\(admin)"), "GET", "/agents", 401, detail: "Authorization header missing"),
            Row("signed by an unknown key", .bearer(t.scoped(["agent_os:admin"], key: .rsa2)), "GET", "/agents", 401,
                detail: "Invalid token: Signature verification failed"),
            Row("alg=RS512", .bearer(t.make(header: ["alg": "RS512"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: The specified alg value is not allowed"),
            Row("alg=none", .bearer(t.make(key: .unsigned) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: The specified alg value is not allowed"),
            Row("HS256 keyed with the public PEM", .bearer(t.make(key: .hmac(t.rsa1PEM)) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: The specified alg value is not allowed"),
            Row("garbage token", .bearer("garbage"), "GET", "/agents", 401, detail: "Invalid token: Not enough segments"),
            Row("expired 60s ago", .bearer(t.make { $0["exp"] = Int(Date().timeIntervalSince1970) - 60; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Token has expired"),
            Row("expired 5s ago (leeway)", .bearer(t.make { $0["exp"] = Int(Date().timeIntervalSince1970) - 5; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
            // DIFFERS: Agno accepts a token without exp (200); exp is required by default here.
            Row("no exp claim (safer default)", .bearer(t.make { $0["exp"] = nil; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: Token is missing the \"exp\" claim"),
            Row("iat 120s in the future", .bearer(t.make { $0["iat"] = Int(Date().timeIntervalSince1970) + 120; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: The token is not yet valid (iat)"),
            Row("nbf 120s in the future", .bearer(t.make { $0["nbf"] = Int(Date().timeIntervalSince1970) + 120; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: The token is not yet valid (nbf)"),
            Row("aud=other-os", .bearer(t.make { $0["aud"] = "other-os"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token audience - token not valid for this AgentOS instance"),
            Row("aud missing", .bearer(t.make { $0["aud"] = nil; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401,
                detail: "Invalid token: Token is missing the \"aud\" claim. Audience verification requires this claim to be present in the token."),
            Row("aud=[other, probe-os]", .bearer(t.make { $0["aud"] = ["other", "probe-os"]; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
            Row("sub=123", .bearer(t.make { $0["sub"] = 123; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401, detail: "Invalid token: Subject must be a string"),
            Row("sub missing", .bearer(t.make { $0["sub"] = nil; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
            Row("sub=sa:ci-bot", .bearer(t.make { $0["sub"] = "sa:ci-bot"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401, detail: "Invalid token subject"),
            Row("sub=__scheduler__", .bearer(t.make { $0["sub"] = "__scheduler__"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401, detail: "Invalid token subject"),
            Row("sub=__oauth__:x", .bearer(t.make { $0["sub"] = "__oauth__:x"; $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 401, detail: "Invalid token subject"),
            Row("unknown kid, static PEM mode", .bearer(t.make(header: ["kid": "nope"]) { $0["scopes"] = ["agent_os:admin"] }), "GET", "/agents", 200, ids: all2),
            Row("scopes missing", .bearer(t.make()), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("scopes missing", .bearer(t.make()), "GET", "/config", 403, detail: insufficient("config:read")),
            Row("scopes='agents:read' (string)", .bearer(t.scoped("agents:read")), "GET", "/agents", 200, ids: all2),
            Row("scopes space-separated", .bearer(t.scoped("agents:read config:read")), "GET", "/agents", 200, ids: []),
            Row("scopes space-separated", .bearer(t.scoped("agents:read config:read")), "GET", "/config", 403, detail: insufficient("config:read")),
            Row("scope (OAuth singular claim)", .bearer(t.make { $0["scope"] = "agents:read" }), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("scopes=[123,'agents:read']", .bearer(t.scoped([123, "agents:read"])), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("scopes={'agents':'read'}", .bearer(t.scoped(["agents": "read"])), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/agents", 200, ids: ["web-agent"]),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/agents/web-agent", 200),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/agents/finance-agent", 403, detail: insufficient("agents:read")),
            Row("[agents:web-agent:read]", .bearer(webRead), "POST", "/agents/web-agent/runs", body: runForm, 403, detail: insufficient("agents:run")),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/agents/web-agent/runs", 403, detail: "Access denied to run this agent"),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/config", 403, detail: insufficient("config:read")),
            Row("[agents:web-agent:read]", .bearer(webRead), "GET", "/teams", 403, detail: insufficient("teams:read")),
            Row("[agents:web-agent:run]", .bearer(webRun), "POST", "/agents/web-agent/runs", body: runForm, 200,
                check: { $0["user_id"] as? String == "alice" && $0["content"] as? String == "echo: hi" }),
            Row("[agents:web-agent:run]", .bearer(webRun), "POST", "/agents/finance-agent/runs", body: runForm, 403, detail: insufficient("agents:run")),
            Row("[agents:web-agent:run]", .bearer(webRun), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("[agents:web-agent:run]", .bearer(webRun), "GET", "/agents/web-agent", 403, detail: insufficient("agents:read")),
            Row("[agents:read, agents:web-agent:run]", .bearer(readAndWebRun), "GET", "/agents/web-agent/runs?session_id=s0", 404, detail: "Session not found"),
            Row("[agents:read, agents:web-agent:run]", .bearer(readAndWebRun), "GET", "/agents/finance-agent/runs?session_id=s0", 403,
                detail: "Access denied to run this agent"),
            Row("[agents:read] fork", .bearer(t.scoped(["agents:read"])), "POST", "/agents/web-agent/sessions/s0/fork", 403, detail: "Access denied to run this agent"),
            Row("[agents:*:read]", .bearer(t.scoped(["agents:*:read"])), "GET", "/agents", 200, ids: all2),
            Row("[agents:*:read]", .bearer(t.scoped(["agents:*:read"])), "GET", "/agents/finance-agent", 200),
            Row("[agents:read]", .bearer(t.scoped(["agents:read"])), "GET", "/agents/finance-agent", 200),
            Row("[agents:read]", .bearer(t.scoped(["agents:read"])), "POST", "/agents/finance-agent/runs", body: runForm, 403, detail: insufficient("agents:run")),
            Row("[agents:run]", .bearer(t.scoped(["agents:run"])), "POST", "/agents/finance-agent/runs", body: runForm, 200),
            Row("[agents:*:run]", .bearer(t.scoped(["agents:*:run"])), "POST", "/agents/finance-agent/runs", body: runForm, 200),
            Row("[agents:Web-Agent:run] (case)", .bearer(t.scoped(["agents:Web-Agent:run"])), "POST", "/agents/web-agent/runs", body: runForm, 403,
                detail: insufficient("agents:run")),
            Row("[teams:research-team:read]", .bearer(t.scoped(["teams:research-team:read"])), "GET", "/teams", 200, ids: ["research-team"]),
            Row("[teams:research-team:read]", .bearer(t.scoped(["teams:research-team:read"])), "GET", "/teams/research-team", 200),
            Row("[teams:research-team:read]", .bearer(t.scoped(["teams:research-team:read"])), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("[config:read]", .bearer(t.scoped(["config:read"])), "GET", "/config", 200,
                check: { ($0["agents"] as? [Any])?.isEmpty == true && ($0["teams"] as? [Any])?.isEmpty == true }),
            Row("[config:read, agents:web-agent:read]", .bearer(t.scoped(["config:read", "agents:web-agent:read"])), "GET", "/config", 200,
                check: { (($0["agents"] as? [[String: Any]])?.compactMap { $0["id"] as? String }) == ["web-agent"] && ($0["teams"] as? [Any])?.isEmpty == true }),
            Row("[system:read] (legacy alias)", .bearer(t.scoped(["system:read"])), "GET", "/config", 200),
            Row("[sessions:read]", .bearer(t.scoped(["sessions:read"])), "GET", "/sessions", 200),
            Row("[sessions:web-agent:read]", .bearer(t.scoped(["sessions:web-agent:read"])), "GET", "/sessions", 403, detail: insufficient("sessions:read")),
            Row("[sessions:*:read]", .bearer(t.scoped(["sessions:*:read"])), "GET", "/sessions", 200),
            Row("[agents:read] on sessions", .bearer(t.scoped(["agents:read"])), "GET", "/sessions", 403, detail: insufficient("sessions:read")),
            Row("[agent_os:admin:extra]", .bearer(t.scoped(["agent_os:admin:extra"])), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("[admin] (bare word)", .bearer(t.scoped(["admin"])), "GET", "/agents", 403, detail: insufficient("agents:read")),
            Row("sub=alice session_id=sess-from-jwt; form user_id=bob",
                .bearer(t.make { $0["session_id"] = "sess-from-jwt"; $0["scopes"] = ["agents:web-agent:run"] }),
                "POST", "/agents/web-agent/runs", body: "message=hi&stream=false&user_id=bob", 200,
                check: { $0["user_id"] as? String == "alice" && $0["session_id"] as? String == "sess-from-jwt" }),
            // DIFFERS: Agno lets any authenticated caller reach an unmapped route (then 404); denied by default here.
            Row("unmapped route, non-admin (safer default)", .bearer(t.scoped(["config:read"])), "GET", "/no-such-route", 403,
                detail: "Insufficient permissions. No scope is mapped to GET /no-such-route"),
        ]
    }
}
