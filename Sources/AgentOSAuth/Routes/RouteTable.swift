/// Maps `METHOD /path` to the scopes a request needs, with Agno's lookup rules: an exact key wins,
/// then patterns are tried in table order and the first match wins.
public struct RouteTable: Sendable {
    /// The rules, in matching order.
    public private(set) var rules: [RouteRule]
    private var exact: [String: Int]

    /// A table of `rules`, in matching order.
    public init(_ rules: [RouteRule]) {
        self.rules = []
        self.exact = [:]
        for rule in rules { append(rule) }
    }

    /// Agno 3.1.10's default table (`get_default_scope_mappings`), in Agno's order, plus
    /// explicit open entries for the routes Agno checks only in handlers (resume, fork, compact).
    public static var agnoDefault: RouteTable { RouteTable(AgnoRoutes.defaultRules + AgnoRoutes.handlerCheckedRules) }

    /// ``agnoDefault`` plus Agno 3.1.10's 45 Company routes under `/company/…`
    /// (`get_default_scope_mappings(company=True)`), for an OS that serves them (`AGENTOS_COMPANY=true`).
    public static var agnoCompany: RouteTable {
        RouteTable(AgnoRoutes.defaultRules + AgnoRoutes.companyRules + AgnoRoutes.handlerCheckedRules)
    }

    /// Adds `rule` after the existing ones.
    public mutating func append(_ rule: RouteRule) {
        if rule.path.isExact, exact["\(rule.method) \(rule.path.pattern)"] == nil {
            exact["\(rule.method) \(rule.path.pattern)"] = rules.count
        }
        rules.append(rule)
    }

    /// Replaces the scopes of every rule with this method and pattern, or appends a new rule.
    public mutating func set(_ method: String, _ path: String, scopes: [String]) {
        let rule = RouteRule(method, path, scopes)
        var replaced = false
        for index in rules.indices where rules[index].method == rule.method && rules[index].path == rule.path {
            rules[index] = rule
            replaced = true
        }
        if !replaced { append(rule) }
    }

    /// The rule for a request, or `nil` when the route is unmapped.
    public func rule(method: String, path: String) -> RouteRule? {
        let method = method.uppercased()
        if let index = exact["\(method) \(path)"] { return rules[index] }
        return rules.first { $0.method == method && $0.path.matches(path) }
    }
}
