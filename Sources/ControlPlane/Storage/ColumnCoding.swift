public import AgentOSAuth
public import NIOCore
public import PostgresNIO

// Enumerated columns are text and decode strictly: a value this build does not know is a
// decoding error, never a silent default.

/// A value stored as one text column, parsed back strictly.
///
/// postgres-nio's own `RawRepresentable` conformance does not apply to these types: `KeyState`
/// and `OrgRole` are also `Codable`, which makes its JSON and raw-value defaults ambiguous.
public protocol TextColumn: PostgresCodable {
    var columnText: String { get }
    init?(columnText: String)
}

extension TextColumn {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<E: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
        byteBuffer.writeString(columnText)
    }

    public init<D: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<D>
    ) throws {
        guard let value = Self(columnText: try String(from: &buffer, type: type, format: format, context: context)) else {
            throw PostgresDecodingError.Code.failure
        }
        self = value
    }
}

extension KeyState: TextColumn {
    public var columnText: String { rawValue }
    public init?(columnText: String) { self.init(rawValue: columnText) }
}

extension OrgRole: TextColumn {
    public var columnText: String { rawValue }
    public init?(columnText: String) { self.init(rawValue: columnText) }
}

extension SigningAlgorithm: TextColumn {
    public var columnText: String { name }
    public init?(columnText: String) { self.init(name: columnText) }
}

/// A flat JSON object of strings in a `jsonb` column (audit details, public JWKs).
struct JSONObject: Codable, Sendable, Equatable, PostgresCodable {
    var values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    init(from decoder: any Decoder) throws { values = try decoder.singleValueContainer().decode([String: String].self) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
