import Foundation

/// The family (`agents`, `teams`, `workflows`) and id of a request path, taken from its first
/// segment (optionally after `/a2a/`), as Agno does.
struct ResourceContext: Equatable {
    static let families: Set<String> = ["agents", "teams", "workflows"]

    let family: String
    let id: String?

    init?(path: String) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if segments.first == "a2a" { segments.removeFirst() }
        guard let first = segments.first, Self.families.contains(String(first)) else { return nil }
        self.family = String(first)
        self.id = segments.count > 1 ? (String(segments[1]).removingPercentEncoding ?? String(segments[1])) : nil
    }
}
