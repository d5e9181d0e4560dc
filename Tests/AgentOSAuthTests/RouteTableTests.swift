import AgentOSAuth
import Foundation
import Testing

/// Our route table against Agno 3.1.10's, row by row and in order (`Agno3110Routes`, copied
/// from the wheel), and our lookup against an independent fnmatch (a regular expression).
@Suite("Route table and path patterns")
struct RouteTableTests {
    let table = RouteTable.agnoDefault

    /// Ours: Agno's 107 rules in Agno's order, then the handler-checked routes with no scope.
    static let handlerChecked: [Agno3110Routes.Row] = ["agents", "teams", "workflows"].flatMap { family in
        [
            ("POST", "/\(family)/*/runs/*/resume", []), ("POST", "/\(family)/*/sessions/*/fork", []),
            ("POST", "/\(family)/*/sessions/*/compact", []),
        ]
    }

    @Test func defaultTableIsAgnosRowByRowInOrder() {
        let expected = Agno3110Routes.defaultTable + Self.handlerChecked
        let ours = table.rules
        #expect(Agno3110Routes.defaultTable.count == 107)
        #expect(ours.count == expected.count)
        for (index, (rule, row)) in zip(ours, expected).enumerated() {
            #expect(
                rule.method == row.method && rule.path.pattern == row.path && rule.scopes == row.scopes,
                "rule \(index): ours \(rule.method) \(rule.path.pattern) \(rule.scopes), Agno \(row.method) \(row.path) \(row.scopes)"
            )
        }
    }

    /// Python's `fnmatch` for these patterns: `*` is any run of characters (`/` included), `?` one.
    static func fnmatch(_ pattern: String, _ path: String) -> Bool {
        var regex = "^"
        for character in pattern {
            switch character {
            case "*": regex += ".*"
            case "?": regex += "."
            default: regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        regex += "$"
        return path.range(of: regex, options: .regularExpression) != nil
    }

    /// Agno's `get_required_scopes_for_route`: an exact key, else the first fnmatch in order.
    static func agnoLookup(_ method: String, _ path: String) -> [String]? {
        let rows = Agno3110Routes.defaultTable
        if let exact = rows.first(where: { $0.method == method && $0.path == path }) { return exact.scopes }
        return rows.first { $0.method == method && fnmatch($0.path, path) }?.scopes
    }

    /// Concrete paths for every pattern (each `*` as one id, and as several segments), plus
    /// paths near the patterns.
    static var probes: [(String, String)] {
        var probes: [(String, String)] = []
        for row in Agno3110Routes.defaultTable {
            probes.append((row.method, row.path.replacingOccurrences(of: "*", with: "x1")))
            probes.append((row.method, row.path.replacingOccurrences(of: "*", with: "a/b")))
            probes.append((row.method, row.path + "/extra"))
        }
        probes += [
            ("GET", "/agents/x/runs/y/checkpoints"), ("POST", "/agents/x/sessions/s/fork"), ("GET", "/no-such-route"), ("PUT", "/agents/x"),
            ("POST", "/mcp"), ("GET", "/knowledge/content/x/status"), ("GET", "/components/c/configs/current"), ("GET", "/learnings/users"),
            ("DELETE", "/eval-runs/e1"), ("GET", "/filesystem"), ("POST", "/databases/all/migrate"),
        ]
        return probes
    }

    @Test func lookupsAgreeWithAgnosLookup() {
        for (method, path) in Self.probes {
            let expected = Self.agnoLookup(method, path)
            let ours = table.rule(method: method, path: path)
            if let expected {
                #expect(ours?.scopes == expected, "\(method) \(path)")
            } else {
                // Unmapped in Agno: unmapped here too, or one of our explicit handler-checked routes.
                #expect(ours == nil || ours?.scopes == [], "\(method) \(path): \(ours?.scopes ?? [])")
            }
        }
    }

    @Test func unmappedIsNil() {
        #expect(table.rule(method: "GET", path: "/no-such-route") == nil)
        #expect(table.rule(method: "PUT", path: "/agents/x") == nil)
        #expect(table.rule(method: "POST", path: "/mcp") == nil)
        #expect(table.rule(method: "POST", path: "/agents/x/runs/r/resume")?.scopes == [])
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
