/// The family (`agents`, `teams`, `workflows`) and id of a canonical request path, taken from
/// its first segment (optionally after `/a2a/`), as Agno does.
///
/// The id is kept as the router hands it to the handler: Hummingbird does not percent-decode
/// path parameters, so neither does the gate (Agno's ASGI server does; lint refuses ids that
/// would need encoding, so no grant names an encoded id and such requests fail closed).
struct ResourceContext: Equatable {
    static let families: Set<String> = ["agents", "teams", "workflows"]

    let family: String
    let id: String?

    init?(path: String) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if segments.first == "a2a" { segments.removeFirst() }
        guard let first = segments.first, Self.families.contains(String(first)) else { return nil }
        self.family = String(first)
        self.id = segments.count > 1 ? String(segments[1]) : nil
    }
}
