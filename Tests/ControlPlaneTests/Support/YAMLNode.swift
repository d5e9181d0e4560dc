import Foundation

/// A YAML document's value as PyYAML loaded it, handed over as JSON. A missing key or index reads
/// as `.null`, so a chain of subscripts never crashes and an `#expect` names what was missing.
enum YAMLNode: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([YAMLNode])
    case object([String: YAMLNode])

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
        } else if let value = try? container.decode([YAMLNode].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: YAMLNode].self))
        }
    }

    subscript(key: String) -> YAMLNode {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    var array: [YAMLNode] {
        if case .array(let items) = self { return items }
        return []
    }

    var dictionary: [String: YAMLNode] {
        if case .object(let members) = self { return members }
        return [:]
    }

    var keys: [String] { dictionary.keys.sorted() }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var int: Int? {
        if case .number(let value) = self, value == value.rounded() { return Int(value) }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
