public import AgentOSAuth
public import NIOCore
public import PostgresNIO

// Enumerated columns are text and decode strictly: a value this build does not know is a
// decoding error, never a silent default.

extension KeyState: PostgresCodable {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<E: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
        byteBuffer.writeString(rawValue)
    }

    public init<D: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<D>
    ) throws {
        self = try decodeText(&buffer, type: type, format: format, context: context, as: Self.init(rawValue:))
    }
}

extension OrgRole: PostgresCodable {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<E: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
        byteBuffer.writeString(rawValue)
    }

    public init<D: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<D>
    ) throws {
        self = try decodeText(&buffer, type: type, format: format, context: context, as: Self.init(rawValue:))
    }
}

extension SigningAlgorithm: PostgresCodable {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<E: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
        byteBuffer.writeString(name)
    }

    public init<D: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<D>
    ) throws {
        self = try decodeText(&buffer, type: type, format: format, context: context, as: Self.init(name:))
    }
}

/// A text column parsed by `parse`; an unknown value is `PostgresDecodingError.Code.failure`.
private func decodeText<T, D: PostgresJSONDecoder>(
    _ buffer: inout ByteBuffer,
    type: PostgresDataType,
    format: PostgresFormat,
    context: PostgresDecodingContext<D>,
    as parse: (String) -> T?
) throws -> T {
    guard let value = parse(try String(from: &buffer, type: type, format: format, context: context)) else {
        throw PostgresDecodingError.Code.failure
    }
    return value
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
