/// A query parameter as the client wrote it (percent-decoded): the generated types use it for
/// openapi.yaml's `AuditLimit` and `AuditSequence` (type overrides in
/// openapi-generator-config.yaml), which the document declares as integers.
///
/// The generated decoder would refuse a non-integer itself, as "Failed to decode a value of
/// type …"; taking the text instead lets the handler refuse it with the API's rule ("limit must
/// be 1-500"), as the hand-written routes did.
struct QueryText: Codable, Hashable, Sendable {
    var text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
