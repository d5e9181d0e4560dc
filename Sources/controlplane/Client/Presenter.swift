import AgentOSAuth
import Foundation

/// One column of a table (or one line of a record): a title and how to read it from a row.
struct Column: Sendable {
    var title: String
    var read: @Sendable (JSONValue) -> String

    /// A column reading the value at a dotted path; missing values read as `-`.
    init(_ title: String, _ path: String) {
        self.title = title
        self.read = { $0[path]?.cell ?? "-" }
    }

    init(_ title: String, read: @escaping @Sendable (JSONValue) -> String) {
        self.title = title
        self.read = read
    }
}

/// Renders answers for people: aligned tables and `field: value` records.
enum Presenter {
    /// A table with a header line; columns padded to their widest cell.
    static func table(_ rows: [JSONValue], _ columns: [Column]) -> String {
        let cells = [columns.map(\.title)] + rows.map { row in columns.map { $0.read(row) } }
        var widths = Array(repeating: 0, count: columns.count)
        for line in cells {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return cells.map { line in
            line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
        }
        .joined(separator: "\n")
    }

    /// `title: value` lines with the values aligned.
    static func record(_ value: JSONValue, _ fields: [Column]) -> String {
        let width = (fields.map(\.title.count).max() ?? 0) + 1
        let indent = "\n" + String(repeating: " ", count: width + 1)
        return fields.map { field in
            let text = field.read(value).replacingOccurrences(of: "\n", with: indent)
            return (field.title + ":").padding(toLength: width, withPad: " ", startingAt: 0) + " " + text
        }
        .joined(separator: "\n")
    }

    /// The server's JSON, indented with sorted keys (stable for scripts and diffs).
    static func prettyJSON(_ data: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            )
        else { return String(decoding: data, as: UTF8.self) }
        return String(decoding: pretty, as: UTF8.self)
    }
}

/// Double-quotes a value for a shell or an env file, keeping newlines (a PEM must keep them).
func shellQuoted(_ value: String) -> String {
    var quoted = "\""
    for character in value {
        if "\\\"$`".contains(character) { quoted.append("\\") }
        quoted.append(character)
    }
    return quoted + "\""
}

/// JSON for values the CLI builds itself (`os env --json`, `os public-key --json`).
func jsonData(_ object: [String: String]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}
