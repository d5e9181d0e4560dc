import AgentOSAuth
import Testing

@Suite("Scope grammar and matching")
struct ScopeTests {
    @Test(arguments: [
        ("agent_os:admin", "admin"), ("agents:read", "global"), ("agents:web-agent:run", "resource"), ("agents:*:read", "resource"),
        ("admin", "unknown"), ("agent_os:admin:extra", "resource"), ("a:b:c:d", "unknown"), ("", "unknown"),
    ])
    func parse(raw: String, kind: String) {
        let parsed: String =
            switch Scope(raw).kind {
            case .admin: "admin"
            case .global: "global"
            case .resource: "resource"
            case .unknown: "unknown"
            }
        #expect(parsed == kind)
    }

    @Test func systemIsAnAliasOfConfig() {
        #expect(Scope("system:read").resource == "config")
        #expect(ScopeSet(["system:read"]).satisfies(Scope("config:read")))
    }

    @Test(arguments: [
        // held, required, expected
        (["agents:run"], "agents:web-agent:run", true),
        (["agents:*:run"], "agents:web-agent:run", true),
        (["agents:web-agent:run"], "agents:web-agent:run", true),
        (["agents:finance-agent:run"], "agents:web-agent:run", false),
        (["agents:web-agent:run"], "agents:run", false),
        (["agents:*:run"], "agents:run", true),
        (["agents:Web-Agent:run"], "agents:web-agent:run", false),
        (["agents:read"], "agents:run", false),
        (["agent_os:admin"], "sessions:delete", true),
        (["agents:*:*"], "agents:web-agent:run", false),
        ([" agents:read"], "agents:read", false),
        (["sessions:*:read"], "sessions:read", true),
        (["sessions:web-agent:read"], "sessions:read", false),
    ])
    func matching(held: [String], required: String, expected: Bool) {
        #expect(ScopeSet(held).satisfies(Scope(required)) == expected)
    }

    @Test func customAdminScope() {
        #expect(ScopeSet(["root"], adminScope: "root").satisfies(Scope("agents:run")))
        #expect(!ScopeSet(["agent_os:admin"], adminScope: "root").satisfies(Scope("agents:run")))
    }

    @Test func accessibleIDsCountOnlyReadGrants() {
        #expect(
            ScopeSet(["agents:web-agent:read", "agents:finance-agent:run"]).accessibleIDs("agents", action: "read") == .some(["web-agent"])
        )
        #expect(ScopeSet(["agents:*:read"]).accessibleIDs("agents", action: "read") == .all)
        #expect(ScopeSet(["agents:read"]).accessibleIDs("agents", action: "read") == .all)
        #expect(ScopeSet(["agent_os:admin"]).accessibleIDs("teams", action: "read") == .all)
        #expect(ScopeSet(["agents:web-agent:run"]).accessibleIDs("agents", action: "read").isEmpty)
    }

    /// Why a resource id is refused, in words (the rule, not a regular expression).
    static let badID = "resource id must be '*' or 1 to 128 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-'"

    @Test(
        arguments: [
            ("agents:read", nil), ("agents:web-agent:run", nil), ("agents:*:run", nil), ("agent_os:admin", nil), ("system:read", nil),
            ("agents", "expected"), ("agents:read config:read", "whitespace"), ("bogus:read", "unknown resource 'bogus'"),
            ("agents:fly", "unknown action 'fly'"), ("sessions:web-agent:read", "only honoured for agents, teams and workflows"),
            ("agents:bad/id:run", badID), ("agents:\(String(repeating: "a", count: 129)):run", badID),
            ("agent_os:admin:extra", "unknown resource 'agent_os'"),
        ] as [(String, String?)]
    )
    func lint(scope: String, problem: String?) {
        let result = ScopeCatalog.lint(scope)
        if let problem {
            #expect(result?.contains(problem) == true, "\(scope): \(result ?? "nil")")
        } else {
            #expect(result == nil, "\(scope): \(result ?? "nil")")
        }
    }
}
