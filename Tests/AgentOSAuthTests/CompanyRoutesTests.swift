import AgentOSAuth
import AgentOSAuthTestSupport
import Testing

/// Agno 3.1.10's Company routes (`get_default_scope_mappings(company=True)`), opt-in with
/// `AGENTOS_COMPANY=true`, compared with the copy of the wheel's table in `Agno3110Routes`.
@Suite("Company route table (AGENTOS_COMPANY)")
struct CompanyRoutesTests {
    @Test func companyTableIsAgnosRowByRowAfterTheDefaultOne() {
        let expected = Agno3110Routes.defaultTable + Agno3110Routes.companyTable + RouteTableTests.handlerChecked
        let ours = RouteTable.agnoCompany.rules
        #expect(Agno3110Routes.companyTable.count == 45)
        #expect(ours.count == expected.count)
        for (index, (rule, row)) in zip(ours, expected).enumerated() {
            #expect(
                rule.method == row.method && rule.path.pattern == row.path && rule.scopes == row.scopes,
                "rule \(index): ours \(rule.method) \(rule.path.pattern) \(rule.scopes), Agno \(row.method) \(row.path) \(row.scopes)"
            )
        }
    }

    @Test func companyRoutesAreOptIn() throws {
        #expect(try AgentOSAuthConfiguration(environment: [:]).routes.rules.count == RouteTable.agnoDefault.rules.count)
        let company = try AgentOSAuthConfiguration(environment: ["AGENTOS_COMPANY": "true"])
        #expect(company.routes.rules.count == RouteTable.agnoCompany.rules.count)
        #expect(RouteTable.agnoDefault.rule(method: "POST", path: "/company/routines") == nil)
    }

    /// Nested wiki routes come before `products/*`, which would also match them.
    @Test func firstMatchKeepsWikiRoutesApartFromProducts() throws {
        let table = RouteTable.agnoCompany
        #expect(try #require(table.rule(method: "GET", path: "/company/products/p1/wiki/page")).scopes == ["wiki:read"])
        #expect(try #require(table.rule(method: "GET", path: "/company/products/p1")).scopes == ["products:read"])
        #expect(try #require(table.rule(method: "POST", path: "/company/tasks/t1/runs")).scopes == ["tasks:write", "wiki:read"])
    }

    static func gate() throws -> AuthGate {
        let environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "AGENTOS_COMPANY": "true"]
        return try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
    }

    @Test(
        arguments: [
            (
                ["routines:write"], "POST", "/company/routines", 403,
                "Insufficient permissions. Required scope(s): routines:write, schedules:write"
            ),
            (
                ["schedules:write"], "POST", "/company/routines/r1/pause", 403,
                "Insufficient permissions. Required scope(s): routines:write, schedules:write"
            ),
            (["routines:write", "schedules:write"], "POST", "/company/routines", 200, nil),
            (["tasks:write"], "POST", "/company/tasks/t1/runs", 403, "Insufficient permissions. Required scope(s): tasks:write, wiki:read"),
            (["tasks:write", "wiki:read"], "POST", "/company/tasks/t1/runs", 200, nil),
            (["tasks:read"], "GET", "/company/attention", 200, nil),
            (["products:read"], "GET", "/company/products/p1/wiki", 403, "Insufficient permissions. Required scope(s): wiki:read"),
            (["agent_os:admin"], "DELETE", "/company/projects/p1", 200, nil),
        ] as [([String], String, String, Int, String?)]
    )
    func everyRequiredScopeIsNeeded(scopes: [String], method: String, path: String, status: Int, detail: String?) async throws {
        let decision = try await Self.gate().decide(method: method, path: path, authorization: "Bearer \(TestTokens.scoped(scopes))")
        switch decision {
        case .allowed: #expect(status == 200, "\(method) \(path)")
        case .denied(let error): #expect((error.status, error.message) == (status, detail), "\(method) \(path)")
        case .excluded: Issue.record("\(method) \(path) excluded")
        }
    }

    @Test(arguments: ["wiki:read", "decisions:write", "sources:delete", "routines:read", "products:write", "projects:delete", "tasks:read"])
    func companyScopesLint(scope: String) {
        #expect(ScopeCatalog.lint(scope) == nil)
    }
}
