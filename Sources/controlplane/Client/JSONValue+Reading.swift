import AgentOSAuth

/// Reading server answers for tables: dotted paths (`"user.email"`, `"keys.0.kid"`) and cell text.
extension JSONValue {
    /// The value at a dotted path of object keys and array indexes; `nil` when any step is missing.
    subscript(path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            switch current {
            case .object(let object)?: current = object[String(key)]
            case .array(let array)?: current = Int(key).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: return nil
            }
        }
        return current
    }

    /// The elements, if this is an array (else none).
    var array: [JSONValue] {
        if case .array(let value) = self { value } else { [] }
    }

    /// How the value reads in a table cell; empty and null read as `-`.
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
