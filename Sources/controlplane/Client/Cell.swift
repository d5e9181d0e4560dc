import Foundation

/// How typed values read in a table cell or a record line, as the server's JSON read before the
/// answers were typed: absent and empty read as `-`, booleans as yes/no, dates as the server
/// wrote them (ISO 8601 in whole seconds, UTC), lists space-separated.
enum Cell {
    static func text(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "-" }
        return value
    }

    static func flag(_ value: Bool?) -> String {
        value.map { $0 ? "yes" : "no" } ?? "-"
    }

    static func number(_ value: Int?) -> String {
        value.map(String.init) ?? "-"
    }

    static func date(_ value: Date?) -> String {
        value.map { $0.formatted(.iso8601) } ?? "-"
    }

    static func list(_ values: [String]?) -> String {
        guard let values, !values.isEmpty else { return "-" }
        return values.map(text).joined(separator: " ")
    }
}
