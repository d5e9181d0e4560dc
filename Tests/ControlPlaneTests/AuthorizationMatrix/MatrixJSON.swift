import Foundation

/// A JSON body as a matrix row writes it. A string that is exactly `<name>` stands for a value of
/// the fixture (an id, a code, the caller's own subject), filled in when the row is sent; the
/// rows stay literal and `Sendable`, and the rendered documentation shows the placeholder.
enum MatrixJSON: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([MatrixJSON])
    case object([String: MatrixJSON])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
    init(arrayLiteral elements: MatrixJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, MatrixJSON)...) {
        self = .object(Dictionary(elements) { first, _ in first })
    }

    /// The name of a placeholder (`"<name>"`), or nil for a literal string.
    static func placeholder(_ text: String) -> String? {
        guard text.hasPrefix("<"), text.hasSuffix(">"), text.count > 2 else { return nil }
        return String(text.dropFirst().dropLast())
    }

    /// The Foundation value `JSONSerialization` writes, with placeholders replaced by `lookup`.
    func foundation(_ lookup: (String) throws -> MatrixJSON) throws -> Any {
        switch self {
        case .string(let text):
            if let name = Self.placeholder(text) { return try lookup(name).foundation(lookup) }
            return text
        case .int(let value): return value
        case .bool(let value): return value
        case .null: return NSNull()
        case .array(let items): return try items.map { try $0.foundation(lookup) }
        case .object(let members): return try members.mapValues { try $0.foundation(lookup) }
        }
    }
}
