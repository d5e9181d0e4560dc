import Foundation

/// A decoded JSON answer, read by dotted paths (`"user.email"`) to fill tables.
enum JSON: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSON])
    case object([String: JSON])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    /// Parses `data`; `nil` when it is not JSON.
    static func parse(_ data: Data) -> JSON? { try? JSONDecoder().decode(JSON.self, from: data) }

    /// The value at a dotted path, `nil` when any step is missing.
    subscript(path: String) -> JSON? {
        var current: JSON? = self
        for key in path.split(separator: ".") {
            guard case .object(let object)? = current else { return nil }
            current = object[String(key)]
        }
        return current
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var array: [JSON] {
        if case .array(let value) = self { value } else { [] }
    }

    /// How the value reads in a table cell.
    var cell: String {
        switch self {
        case .string(let value): value.isEmpty ? "-" : value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "yes" : "no"
        case .null: "-"
        case .array(let values): values.isEmpty ? "-" : values.map(\.cell).joined(separator: " ")
        case .object: "{…}"
        }
    }
}
