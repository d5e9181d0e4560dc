/// A JSON value of a token's payload, so claims can be read without `Any`.
public enum JSONValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// How Python would print the value in an error message (`123`, `True`, `None`, …).
    var pythonDescription: String {
        switch self {
        case .string(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "True" : "False"
        case .null: "None"
        case .array, .object: "\(self)"
        }
    }

    /// Parses one JSON document with the verifier's strict parser (RFC 8259; trailing data, invalid
    /// UTF-8, lone surrogates and nesting deeper than 64 are refused; a duplicate key's last value wins).
    /// `nil` when `bytes` are not exactly one JSON value.
    public init?(parsing bytes: [UInt8]) {
        guard let value = JSONParser.value(bytes) else { return nil }
        self = value
    }

    /// The number, if this is one.
    public var numberValue: Double? {
        if case .number(let value) = self { value } else { nil }
    }
}
