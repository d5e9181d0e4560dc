/// An integer or `null`, always sent: the generated types use it for openapi.yaml's
/// `RotationPeriod` (a type override in openapi-generator-config.yaml).
///
/// An OS's `rotation_period` is present as `null` without a schedule; a generated optional would
/// leave the key out. In a request body it reads as before: absent or `null` is no value, and
/// anything but an integer is a decoding error naming the field.
///
/// Public for the CLI's generated client, which uses it for the same schema (an update sends the
/// null to end a schedule, and `--json` keeps an OS's null).
public struct NullableInt: Codable, Hashable, Sendable {
    public var value: Int?

    public init(_ value: Int?) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
