import ControlPlane

/// A member's role as written on the wire (`owner`, `admin` or `member`): the generated types use
/// it for openapi.yaml's `MemberRole` (a type override in openapi-generator-config.yaml).
///
/// Any string decodes, so the handler refuses an unknown role with the API's own message ("role
/// must be owner, admin or member"); a generated enum would fail decoding first, with "field
/// 'role' is invalid". A value of another JSON type is still a decoding error ("has the wrong type").
struct OrgRoleName: Codable, Hashable, Sendable {
    var rawValue: String

    init(_ role: OrgRole) { rawValue = role.rawValue }

    init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The role, or 400 naming the allowed ones.
    func role() throws -> OrgRole { try parseRole(rawValue) }
}
