/// The body of `PATCH /v1/orgs/{org}/os/{os}`, written by hand: the generated types use it for
/// openapi.yaml's `OSUpdate` (a type override in openapi-generator-config.yaml), because a
/// generated optional cannot tell an absent `rotation_period` (unchanged) from `null` (remove
/// the schedule).
struct UpdateOSRequest: Codable, Hashable, Sendable {
    var name: String?
    var url: String?
    var roles_claim: Bool?
    /// Absent: unchanged; null: no schedule; seconds: the new period.
    var rotation_period: Int??
    /// As the client wrote it; the handler refuses an unknown one with the API's message.
    var verifier: String?

    enum CodingKeys: String, CodingKey { case name, url, roles_claim, rotation_period, verifier }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        roles_claim = try container.decodeIfPresent(Bool.self, forKey: .roles_claim)
        verifier = try container.decodeIfPresent(String.self, forKey: .verifier)
        if container.contains(.rotation_period) {
            rotation_period = .some(
                try container.decodeNil(forKey: .rotation_period) ? nil : try container.decode(Int.self, forKey: .rotation_period)
            )
        }
    }

    /// The same three states back (the server never sends this body; Codable is the generator's).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeIfPresent(roles_claim, forKey: .roles_claim)
        try container.encodeIfPresent(verifier, forKey: .verifier)
        if let period = rotation_period { try container.encode(period, forKey: .rotation_period) }
    }
}
