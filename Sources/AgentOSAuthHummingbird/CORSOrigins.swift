import Foundation

/// Agno's `CORS_ORIGIN_LIST`: browsers on these origins (e.g. the control plane's console) may
/// call the OS. The demo OS answers for them; the gateway adds them to its own refusals.
public struct CORSOrigins: Sendable {
    /// The listed origins, as written (`scheme://host[:port]`).
    public var origins: Set<String>

    /// The origins of `origins`.
    public init(_ origins: some Sequence<String>) { self.origins = Set(origins) }

    /// A JSON list (`["http://127.0.0.1:8080"]`, as Agno reads it) or comma-separated origins.
    public init(parsing raw: String?) {
        let trimmed = (raw ?? "").trimmingCharacters(in: .whitespaces)
        let inner = trimmed.hasPrefix("[") && trimmed.hasSuffix("]") ? String(trimmed.dropFirst().dropLast()) : trimmed
        self.init(
            inner.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
            .filter { !$0.isEmpty }
        )
    }
}
