/// An integer or `null`, always written: the generated types use it for openapi.yaml's
/// `RotationPeriod` (a type override in openapi-generator-config.yaml).
///
/// An OS's answer carries `rotation_period: null` without a schedule, and `os update --no-rotation`
/// sends that null; a generated optional would leave the key out of both (and of `--json`).
struct NullableInt: Codable, Hashable, Sendable {
    var value: Int?

    init(_ value: Int?) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Int.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
