import AgentOSAuth
import Testing

@Suite("Route table and path patterns")
struct RouteTableTests {
    let table = RouteTable.agnoDefault

    @Test(arguments: [
        ("GET", "/agents", ["agents:read"]), ("GET", "/agents/web-agent", ["agents:read"]),
        ("GET", "/agents/x/runs/y/checkpoints", ["agents:read"]), ("POST", "/agents/x/runs", ["agents:run"]),
        ("POST", "/agents/x/runs/r/cancel", ["agents:run"]), ("POST", "/teams/t/runs", ["teams:run"]),
        ("DELETE", "/sessions/s1", ["sessions:delete"]), ("GET", "/config", ["config:read"]),
        ("GET", "/components/c/configs/current", ["components:read"]), ("POST", "/knowledge/search", ["knowledge:read"]),
        ("POST", "/agents/x/sessions/s/fork", []), ("GET", "/filesystem/content", ["filesystem:read"]),
        ("POST", "/databases/all/migrate", ["config:write"]),
    ])
    func lookups(method: String, path: String, scopes: [String]) throws {
        let rule = try #require(table.rule(method: method, path: path))
        #expect(rule.scopes == scopes)
    }

    @Test func unmappedIsNil() {
        #expect(table.rule(method: "GET", path: "/no-such-route") == nil)
        #expect(table.rule(method: "PUT", path: "/agents/x") == nil)
        #expect(table.rule(method: "POST", path: "/mcp") == nil)
    }

    @Test func patternsCrossSlashesAndTreatParamsAsStars() {
        #expect(PathPattern("/agents/*").matches("/agents/a/b/c"))
        #expect(PathPattern("/agents/{agent_id}/runs").matches("/agents/web-agent/runs"))
        #expect(!PathPattern("/agents/{agent_id}/runs").matches("/agents/web-agent/runs/x"))
        #expect(PathPattern("/a?c").matches("/abc"))
        #expect(!PathPattern("/agents").matches("/agents/"))
    }

    @Test func appsCanReplaceAndAddMappings() throws {
        var custom = RouteTable.agnoDefault
        custom.set("GET", "/agents", scopes: ["agents:list"])
        custom.append(RouteRule("POST", "/mcp", ["config:write"]))
        #expect(try #require(custom.rule(method: "GET", path: "/agents")).scopes == ["agents:list"])
        #expect(try #require(custom.rule(method: "POST", path: "/mcp")).scopes == ["config:write"])
    }
}
