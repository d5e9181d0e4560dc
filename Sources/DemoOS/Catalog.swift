/// The demo OS's fixed components.
public struct Component: Sendable, Codable, Equatable {
    public var id: String
    public var name: String

    var json: JSONBody { ["id": .string(id), "name": .string(name)] }
}

/// Resource families of an AgentOS and their components.
enum Family: String, CaseIterable, Sendable {
    case agents, teams, workflows

    var singular: String {
        switch self {
        case .agents: "Agent"
        case .teams: "Team"
        case .workflows: "Workflow"
        }
    }

    var components: [Component] {
        switch self {
        case .agents: [Component(id: "web-agent", name: "Web Agent"), Component(id: "finance-agent", name: "Finance Agent")]
        case .teams: [Component(id: "research-team", name: "Research Team")]
        case .workflows: [Component(id: "nightly-report", name: "Nightly Report")]
        }
    }
}
