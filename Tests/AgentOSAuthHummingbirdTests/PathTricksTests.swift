// swift-format-ignore-file
// (The trick table reads best one row per line.)
import AgentOSAuth
import AgentOSAuthHummingbird
import AgentOSAuthTestSupport
import DemoOS
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Paths a gate and a router could read differently, sent to demo-os with a token holding only
/// `agents:web-agent:read`, with unmapped routes denied (our default) and open (Agno's): the gate
/// must decide on the route Hummingbird dispatches, or refuse the path.
@Suite("Path tricks against demo-os")
struct PathTricksTests {
    struct Trick: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        /// Status and detail with AGENTOS_AUTH_DENY_UNMAPPED_ROUTES=true, then =false.
        let denying: (Int, String?)
        let open: (Int, String?)
        var description: String { "\(method) \(path)" }

        init(_ method: String, _ path: String, _ both: (Int, String?)) {
            self.init(method, path, denying: both, open: both)
        }

        init(_ method: String, _ path: String, denying: (Int, String?), open: (Int, String?)) {
            self.method = method
            self.path = path
            self.denying = denying
            self.open = open
        }
    }

    static func insufficient(_ scope: String) -> (Int, String?) { (403, "Insufficient permissions. Required scope(s): \(scope)") }
    static func unmapped(_ route: String) -> (Int, String?) { (403, "Insufficient permissions. No scope is mapped to \(route)") }
    static let dot: (Int, String?) = (400, "Invalid request path: '.' and '..' segments are not allowed")
    static let encodedSlash: (Int, String?) = (400, "Invalid request path: an encoded '/' or '\\' is not allowed")
    static let notFound: (Int, String?) = (404, "Not Found")
    static let ok: (Int, String?) = (200, nil)

    static let tricks: [Trick] = [
        // Empty segments: Hummingbird dispatches /sessions, so the gate decides on /sessions.
        Trick("GET", "//sessions", insufficient("sessions:read")),
        Trick("GET", "//sessions/", insufficient("sessions:read")),
        Trick("GET", "/sessions/", insufficient("sessions:read")),
        Trick("GET", "/sessions//", insufficient("sessions:read")),
        Trick("GET", "///sessions///", insufficient("sessions:read")),
        Trick("DELETE", "//sessions/s0", insufficient("sessions:delete")),
        Trick("DELETE", "/sessions//s0/", insufficient("sessions:delete")),
        Trick("GET", "//agents/finance-agent/runs", insufficient("agents:read")),
        Trick("GET", "//agents/finance-agent", insufficient("agents:read")),
        Trick("POST", "//agents/web-agent/runs", insufficient("agents:run")),
        Trick("GET", "//agents/web-agent", ok),
        Trick("GET", "//agents//", ok),
        // Dot segments, plain or encoded: refused before any route is looked up.
        Trick("GET", "/./sessions", dot),
        Trick("GET", "/agents/../sessions", dot),
        Trick("GET", "/agents/web-agent/../../sessions", dot),
        Trick("GET", "/agents/web-agent/.", dot),
        Trick("GET", "/%2e%2e/sessions", dot),
        Trick("GET", "/.%2E/sessions", dot),
        Trick("GET", "/health/../sessions", dot),
        // Encoded separators.
        Trick("GET", "/sessions%2Fs0", encodedSlash),
        Trick("GET", "/agents%2fweb-agent", encodedSlash),
        Trick("GET", "/agents/web-agent%5Cruns", encodedSlash),
        // Neither Hummingbird nor the gate decodes: these are other routes, which do not exist.
        Trick("GET", "/%73essions", denying: unmapped("GET /%73essions"), open: notFound),
        Trick("GET", "/agents/web%2Dagent", insufficient("agents:read")),
        // Both compare case-sensitively.
        Trick("GET", "/SESSIONS", denying: unmapped("GET /SESSIONS"), open: notFound),
        Trick("GET", "/Sessions/s0", denying: unmapped("GET /Sessions/s0"), open: notFound),
        Trick("GET", "/Agents/web-agent", denying: unmapped("GET /Agents/web-agent"), open: notFound),
        // HEAD is authorised as GET (a router may serve it with the GET handler).
        Trick("HEAD", "//sessions", insufficient("sessions:read")),
        // Excluded paths stay excluded in their canonical form, and only those.
        Trick("GET", "//health/", ok),
        Trick("GET", "/health/x", denying: unmapped("GET /health/x"), open: notFound),
    ]

    /// Both modes, in process (`.router`) and over a real socket and HTTP parser (`.live`).
    @Test(arguments: [true, false], [false, true])
    func tricks(deny: Bool, live: Bool) async throws {
        let setup: TestingSetup = live ? .live : .router
        let environment = [
            "JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID,
            "AGENTOS_AUTH_DENY_UNMAPPED_ROUTES": deny ? "true" : "false",
        ]
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let app = Application(router: DemoOS.buildRouter(gate: gate, osID: TestTokens.osID))
        let token = TestTokens.scoped(["agents:web-agent:read"])
        try await app.test(setup) { client in
            for trick in Self.tricks {
                let expected = deny ? trick.denying : trick.open
                try await client.execute(
                    uri: trick.path,
                    method: HTTPRequest.Method(trick.method)!,
                    headers: [.authorization: "Bearer \(token)"]
                ) { response in
                    let context = "deny=\(deny) live=\(live) \(trick)"
                    #expect(Int(response.status.code) == expected.0, "\(context)")
                    let json = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    if let detail = expected.1, trick.method != "HEAD" {
                        #expect(json?["detail"] as? String == detail, "\(context)")
                    }
                }
            }
        }
    }
}
