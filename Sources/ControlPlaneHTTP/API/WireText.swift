/// A value as the client wrote it (a query parameter percent-decoded): the generated types use it
/// for the schemas the document declares as an enum or an integer but whose bad values the API
/// refuses with its own message (type overrides in openapi-generator-config.yaml: a member's
/// role, a signing algorithm, the audit's `limit` and `before`).
///
/// A generated enum or integer would fail decoding first, with the generator's wording ("field
/// 'role' is invalid", "Failed to decode a value of type …"); any string decodes here, and the
/// handler parses it ("role must be owner, admin or member"), as the hand-written routes did. A
/// body value of another JSON type is still a decoding error ("has the wrong type").
struct WireText: Codable, Hashable, Sendable {
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
