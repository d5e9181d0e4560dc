import Foundation

/// One run of an agent, team or workflow. Kept in memory: this is an example OS.
struct Run: Sendable, Codable, Equatable {
    var run_id: String
    var component_id: String
    var family: String
    var session_id: String
    var user_id: String?
    var content: String
    var created_at: Int
}

/// The demo's run history (shared mutable state, hence an actor).
actor RunStore {
    private var runs: [Run] = []

    func add(_ run: Run) { runs.append(run) }

    func runs(family: String, componentID: String, sessionID: String?) -> [Run] {
        runs.filter { $0.family == family && $0.component_id == componentID && (sessionID == nil || $0.session_id == sessionID) }
    }

    func run(id: String) -> Run? { runs.first { $0.run_id == id } }

    func sessions() -> [String: [Run]] { Dictionary(grouping: runs, by: \.session_id) }

    @discardableResult
    func deleteSession(_ id: String) -> Bool {
        let before = runs.count
        runs.removeAll { $0.session_id == id }
        return runs.count != before
    }
}
