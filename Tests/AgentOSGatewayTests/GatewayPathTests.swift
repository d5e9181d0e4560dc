import AgentOSAuth
import AgentOSGateway
import Testing

/// The path the gateway decides on is the one uvicorn hands Starlette: percent-decoded once
/// (docs/security.md, 3.14). Expectations follow RFC 3986 §2.1 and uvicorn's `unquote`.
@Suite("Gateway: the decided path")
struct GatewayPathTests {
    @Test(arguments: [
        ("/agents/web%2Fagent/runs", "encoded '/'"),
        ("/agents/web%2fagent/runs", "encoded '/'"),
        ("/agents/web%5Cagent", "encoded '/' or '\\'"),
        ("/agents/x/../../teams", "'.' and '..' segments"),
        ("/agents/%2e%2e/teams", "'.' and '..' segments"),
        ("/agents/./web-agent", "'.' and '..' segments"),
        ("//agents", "empty path segments"),
        ("/agents//web-agent", "empty path segments"),
        ("/agents/web%zzagent", "two hexadecimal digits"),
        ("/agents/web%2", "two hexadecimal digits"),
        ("/agents/web%00agent", "control characters"),
        ("/agents/web%C3%A9", "outside ASCII"),
        ("/agents/web agent", "spaces"),
        ("/agents\\web-agent", "RFC 3986"),
        ("http:upstream", "starting with '/'"),
        ("*", "starting with '/'"),
        // A fragment or a character AsyncHTTPClient re-encodes: the target sent would not be the one decided.
        ("/agents/finance-agent/runs#/runs/x/resume", "RFC 3986"),
        ("/agents/web-agent|x", "RFC 3986"),
        ("/agents/web-agent?a={}", "RFC 3986"),
        ("/agents/web-agent?a=1#frag", "RFC 3986"),
    ])
    func ambiguousShapesAreRefused(target: String, reason: String) {
        #expect(throws: AgentOSAuthError.self) { try GatewayPath.decided(fromTarget: target) }
        do {
            _ = try GatewayPath.decided(fromTarget: target)
        } catch {
            #expect(error.status == 400 && error.message.contains(reason), "\(target): \(error.message)")
        }
    }

    @Test(arguments: [
        ("/agents/web%2Dagent/runs?x=%2F", "/agents/web-agent/runs"),
        ("/%61gents/finance-agent", "/agents/finance-agent"),
        ("/agents/", "/agents"),
        ("/", "/"),
        ("/agents/a%25b", "/agents/a%b"),
        ("/health?", "/health"),
    ])
    func theDecisionIsOnTheDecodedPath(target: String, decided: String) throws {
        #expect(try GatewayPath.decided(fromTarget: target) == decided)
    }
}
