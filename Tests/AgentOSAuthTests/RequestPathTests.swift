import AgentOSAuth
import Testing

/// The gate decides on the path Hummingbird's trie dispatches (split on `/`, empty segments
/// dropped, no percent-decoding) and refuses paths other readers could see differently.
@Suite("Request path canonical form")
struct RequestPathTests {
    @Test(arguments: [
        ("/sessions", "/sessions"), ("//sessions", "/sessions"), ("//sessions/", "/sessions"), ("/sessions//", "/sessions"),
        ("/", "/"), ("", "/"), ("//", "/"), ("sessions", "/sessions"), ("/agents//web-agent///runs/", "/agents/web-agent/runs"),
        ("/%73essions", "/%73essions"), ("/SESSIONS", "/SESSIONS"), ("/agents/web%2Dagent", "/agents/web%2Dagent"),
        ("/a/.../b", "/a/.../b"), ("/a/.x/b", "/a/.x/b"), ("/v1/message:send", "/v1/message:send"), ("/%25", "/%25"),
    ])
    func canonical(raw: String, expected: String) throws {
        #expect(try RequestPath.canonical(raw) == expected)
    }

    static let dot = AgentOSAuthError(.invalidPath, "Invalid request path: '.' and '..' segments are not allowed")
    static let encodedSlash = AgentOSAuthError(.invalidPath, "Invalid request path: an encoded '/' or '\\' is not allowed")
    static let backslash = AgentOSAuthError(.invalidPath, "Invalid request path: '\\' is not allowed")
    static let nonASCII = AgentOSAuthError(.invalidPath, "Invalid request path: characters outside printable ASCII must be percent-encoded")

    @Test(arguments: [
        ("/./sessions", dot), ("/agents/../sessions", dot), ("/sessions/.", dot), ("/sessions/..", dot), ("/%2e/sessions", dot),
        ("/%2E%2E/sessions", dot), ("/.%2e/x", dot), ("/%2e./x", dot), ("/agents%2Fweb-agent", encodedSlash),
        ("/agents%2fweb-agent", encodedSlash), ("/a/b%5Cc", encodedSlash), ("/a/b%5cc", encodedSlash), ("/a\\b", backslash),
        ("/agents/web-agent\u{301}", nonASCII), ("/\u{301}/sessions", nonASCII), ("/a b", nonASCII), ("/a\tb", nonASCII),
        ("/a\u{7F}", nonASCII),
    ])
    func refused(raw: String, error: AgentOSAuthError) {
        #expect(throws: error) { try RequestPath.canonical(raw) }
    }
}
