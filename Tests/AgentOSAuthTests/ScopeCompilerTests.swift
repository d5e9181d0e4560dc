import AgentOSAuth
import AgentOSAuthTestSupport
import Testing

/// `ScopeCompiler` is what the issuer puts into every token; these cases are written by hand
/// from the rules in `docs/access.md` ("Effective scopes and compilation").
@Suite("Scope compilation")
struct ScopeCompilerTests {
    static let compileCases: [(raw: [String], compiled: [String])] = [
        ([], []),
        (["agents:read"], ["agents:read"]),
        (["agents:*:run"], ["agents:run"]),
        (["system:read"], ["config:read"]),
        (["system:write", "config:write"], ["config:write"]),
        (["agents:web-agent:run", "agents:run"], ["agents:run"]),
        (["agents:web-agent:run", "agents:*:run"], ["agents:run"]),
        (["agents:web-agent:run", "agents:read"], ["agents:read", "agents:web-agent:run"]),
        (["teams:t1:read", "teams:t1:read", "agents:read"], ["agents:read", "teams:t1:read"]),
        (["sessions:read", "agent_os:admin", "agents:run"], ["agent_os:admin"]),
        // Three parts parse as a per-id scope (resource `agent_os`): kept, though no route asks for it.
        (["agent_os:admin:extra", "admin", "agents:read"], ["agent_os:admin:extra", "agents:read"]),
        (["a:b:c:d", "agents"], []),
        (["workflows:w2:run", "workflows:w1:run"], ["workflows:w1:run", "workflows:w2:run"]),
        // Not the admin scope, though its global form would be: never compiled into it (the
        // scopes fuzz target found `agent_os:*:admin` becoming `agent_os:admin`).
        (["agent_os:*:admin"], ["agent_os:*:admin"]),
        (["agent_os:*:admin", "agents:read"], ["agent_os:*:admin", "agents:read"]),
    ]

    @Test(arguments: compileCases)
    func compiles(raw: [String], compiled: [String]) {
        #expect(ScopeCompiler.compile(raw) == compiled)
    }

    /// The fuzz target's crash input, minimised: the compiled set satisfied what the raw set did
    /// not (the admin scope satisfies everything, even a malformed requirement).
    @Test func theFuzzersInputNoLongerGainsAccess() {
        let raw = ["ag\u{14}gun", "agent_os:*:admin"]
        let compiled = ScopeSet(ScopeCompiler.compile(raw))
        for line in raw + ["agent_os:admin", "agents:web-agent:run", "sessions:delete"] {
            #expect(ScopeSet(raw).satisfies(Scope(line)) == compiled.satisfies(Scope(line)), "\(line.debugDescription)")
        }
        #expect(!compiled.isAdmin)
    }

    @Test func customAdminScope() {
        #expect(ScopeCompiler.compile(["root", "agents:read"], adminScope: "root") == ["root"])
        // With another admin scope, `agent_os:admin` is an ordinary global scope.
        #expect(ScopeCompiler.compile(["agent_os:admin", "agents:read"], adminScope: "root") == ["agent_os:admin", "agents:read"])
        // `system:admin` is `config:admin` to the matcher, but not the admin scope `config:admin`.
        #expect(ScopeCompiler.compile(["system:admin"], adminScope: "config:admin") == ["system:admin"])
        #expect(!ScopeSet(ScopeCompiler.compile(["system:admin"], adminScope: "config:admin"), adminScope: "config:admin").isAdmin)
        #expect(ScopeCompiler.compile(["config:*:admin"], adminScope: "config:admin") == ["config:*:admin"])
    }

    static let coverageCases: [(requested: [String], granted: [String], uncovered: [String])] = [
        (["agents:web-agent:run"], ["agents:run"], []),
        (["agents:web-agent:run"], ["agents:*:run"], []),
        (["agents:*:run"], ["agents:web-agent:run"], ["agents:*:run"]),
        (["agents:run"], ["agents:web-agent:run"], ["agents:run"]),
        (["agents:run"], ["agents:*:run"], []),
        (["agents:read"], ["agents:run"], ["agents:read"]),
        (["teams:read"], ["agents:read"], ["teams:read"]),
        (["config:read"], ["system:read"], []),
        (["agent_os:admin"], ["agents:read"], ["agent_os:admin"]),
        (["sessions:delete", "agent_os:admin"], ["agent_os:admin"], []),
        (["nonsense", "agents:read"], ["agent_os:admin"], ["nonsense"]),
        (["agents:finance-agent:run"], ["agents:web-agent:run"], ["agents:finance-agent:run"]),
    ]

    @Test(arguments: coverageCases)
    func coverage(requested: [String], granted: [String], uncovered: [String]) {
        #expect(ScopeCompiler.uncovered(requested, by: granted) == uncovered)
    }

    typealias Generator = SplitMix64

    static let resources = ["agents", "teams", "config", "system"]
    static let actions = ["read", "run"]
    static let ids = ["a", "b", "*"]

    static func randomScope(_ random: inout Generator) -> String {
        let resource = resources.randomElement(using: &random)!
        let action = actions.randomElement(using: &random)!
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return "agent_os:admin"
        case 1: return ["junk", "agents:a:b:c", "agents"].randomElement(using: &random)!
        case 2...4: return "\(resource):\(action)"
        default: return "\(resource):\(ids.randomElement(using: &random)!):\(action)"
        }
    }

    /// Every requirement a route could ask for over the generated vocabulary (ids `a`, `b` and
    /// one never granted).
    static let requirements: [String] = ["agents", "teams", "config"].flatMap { resource in
        actions.flatMap { action in ["\(resource):\(action)"] + ["a", "b", "c"].map { "\(resource):\($0):\(action)" } }
    }

    /// Compilation changes nothing a holder can do: for random raw lists, the compiled list
    /// satisfies exactly the requirements the raw list satisfies, and covers exactly the same
    /// requests.
    @Test(arguments: [UInt64(3), 11, 99])
    func compilationPreservesAccess(seed: UInt64) {
        var random = Generator(seed: seed)
        for _ in 0..<300 {
            let raw = (0..<Int.random(in: 0...5, using: &random)).map { _ in Self.randomScope(&random) }
            let compiled = ScopeCompiler.compile(raw)
            #expect(compiled == compiled.sorted() && Set(compiled).count == compiled.count)
            let before = ScopeSet(raw)
            let after = ScopeSet(compiled)
            for requirement in Self.requirements {
                let scope = Scope(requirement)
                #expect(before.satisfies(scope) == after.satisfies(scope), "\(raw) → \(compiled) differ on \(requirement)")
            }
            let request = [Self.randomScope(&random)]
            #expect(ScopeCompiler.uncovered(request, by: raw) == ScopeCompiler.uncovered(request, by: compiled), "\(raw) vs \(compiled)")
        }
    }
}
