import ControlPlaneHTTP
import Foundation

/// An OS as the API answers it (openapi.yaml's `OS` schema; a type override in
/// openapi-generator-config.yaml).
///
/// Written by hand for one field: `rotation_period` is always in the answer, as `null` without a
/// schedule. The generated type reads a nullable field as an optional, so the null would come back
/// as absent and `--json` would leave the key out; here it stays a present `NullableInt`.
struct OSRecord: Codable, Hashable, Sendable {
    var id: String
    var name: String
    var url: String?
    var authorization: Bool
    var rolesClaim: Bool?
    var rotationPeriod: NullableInt
    var createdAt: Date?
    var updatedAt: Date?
    var verifier: String?
    var jwksFetch: Components.Schemas.JWKSFetch?

    enum CodingKeys: String, CodingKey {
        case id, name, url, authorization, verifier
        case jwksFetch = "jwks_fetch"
        case rolesClaim = "roles_claim"
        case rotationPeriod = "rotation_period"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        authorization = try container.decode(Bool.self, forKey: .authorization)
        rolesClaim = try container.decodeIfPresent(Bool.self, forKey: .rolesClaim)
        // Absent (which this server never sends) reads as no schedule, as `null` does.
        rotationPeriod = try container.decodeIfPresent(NullableInt.self, forKey: .rotationPeriod) ?? NullableInt(nil)
        createdAt = try container.decodeIfPresent(Date.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(Date.self, forKey: .updatedAt)
        verifier = try container.decodeIfPresent(String.self, forKey: .verifier)
        jwksFetch = try container.decodeIfPresent(Components.Schemas.JWKSFetch.self, forKey: .jwksFetch)
    }
}
