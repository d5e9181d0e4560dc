import ControlPlane
import Foundation

/// One column of a table (or one line of a record): a title and how to read it from a row.
struct Column<Row>: Sendable {
    var title: String
    var read: @Sendable (Row) -> String

    init(_ title: String, _ read: @escaping @Sendable (Row) -> String) {
        self.title = title
        self.read = read
    }
}

/// Renders answers for people: aligned tables and `field: value` records.
enum Presenter {
    /// A table with a header line; columns padded to their widest cell.
    static func table<Row>(_ rows: [Row], _ columns: [Column<Row>]) -> String {
        let cells = [columns.map(\.title)] + rows.map { row in columns.map { InertText.of($0.read(row)) } }
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
    static func record<Value>(_ value: Value, _ fields: [Column<Value>]) -> String {
        let width = (fields.map(\.title.count).max() ?? 0) + 1
        let indent = "\n" + String(repeating: " ", count: width + 1)
        return fields.map { field in
            let text = InertText.of(field.read(value), keepNewlines: true).replacingOccurrences(of: "\n", with: indent)
            return (field.title + ":").padding(toLength: width, withPad: " ", startingAt: 0) + " " + text
        }
        .joined(separator: "\n")
    }

    /// A typed answer as the server wrote it (sorted keys, unescaped slashes, ISO 8601 dates in
    /// whole seconds), then indented as `prettyJSON` indents.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return prettyJSON(try encoder.encode(value))
    }

    /// JSON indented with sorted keys (stable for scripts and diffs). The indenting is
    /// JSONSerialization's, as it was when `--json` printed the server's bytes.
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

/// JSON for values the CLI builds itself (`os public-key --json`).
func jsonData(_ object: [String: String]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}
