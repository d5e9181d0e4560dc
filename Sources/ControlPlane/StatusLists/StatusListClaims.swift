/// The `status` claim of a Referenced Token (draft-ietf-oauth-status-list §6.1):
/// `{"status_list": {"idx": N, "uri": U}}`.
public struct TokenStatusClaim: Codable, Equatable, Sendable {
    /// Where the token's status is: an index into the list at `uri`.
    public struct Reference: Codable, Equatable, Sendable {
        public var idx: Int
        public var uri: String
    }

    public var status_list: Reference

    public init(index: Int, uri: String) {
        status_list = Reference(idx: index, uri: uri)
    }
}

/// The claims of a Status List Token (draft-ietf-oauth-status-list §5.1), JWT form.
public struct StatusListTokenClaims: Codable, Equatable, Sendable {
    /// `bits` per status and `lst`, the list ZLIB-compressed (RFC 1950) and base64url-encoded.
    public struct StatusList: Codable, Equatable, Sendable {
        public var bits: Int
        public var lst: String
    }

    /// The list's own URI (equal to the `uri` of the tokens that point at it).
    public var sub: String
    public var iat: Int
    public var exp: Int
    /// Seconds a consumer may cache the list.
    public var ttl: Int
    public var status_list: StatusList
}
