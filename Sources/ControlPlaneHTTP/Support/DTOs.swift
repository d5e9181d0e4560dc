import AgentOSAuth
import ControlPlane
import Foundation

struct RegisterOSRequest: Decodable {
    var id: String
    var name: String
    var url: String?
    var authorization: Bool?
    var algorithm: String?
    /// Seconds between scheduled key rotations (absent or null: none).
    var rotation_period: Int?
}

struct UpdateOSRequest: Decodable {
    var name: String?
    var url: String?
    var roles_claim: Bool?
    /// Absent: unchanged; null: no schedule; seconds: the new period.
    var rotation_period: Int??

    enum CodingKeys: String, CodingKey { case name, url, roles_claim, rotation_period }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        roles_claim = try container.decodeIfPresent(Bool.self, forKey: .roles_claim)
        if container.contains(.rotation_period) {
            rotation_period = .some(
                try container.decodeNil(forKey: .rotation_period) ? nil : try container.decode(Int.self, forKey: .rotation_period)
            )
        }
    }
}

struct AlgorithmRequest: Decodable {
    var algorithm: String?
}

struct CreateKeyRequest: Decodable {
    var algorithm: String?
    var activate: Bool?
}

struct OSDTO: Encodable {
    var id: String
    var name: String
    var url: String?
    var authorization: Bool
    var roles_claim: Bool
    /// Seconds between scheduled key rotations; `null` without a schedule (always present).
    var rotation_period: Int?
    var created_at: Date
    var updated_at: Date

    enum CodingKeys: String, CodingKey { case id, name, url, authorization, roles_claim, rotation_period, created_at, updated_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encode(authorization, forKey: .authorization)
        try container.encode(roles_claim, forKey: .roles_claim)
        try container.encode(rotation_period, forKey: .rotation_period)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(updated_at, forKey: .updated_at)
    }

    init(_ os: OSInstance) {
        id = os.id
        name = os.name
        url = os.url
        authorization = os.authorizationEnabled
        roles_claim = os.rolesClaim
        rotation_period = os.rotationPeriod
        created_at = os.createdAt
        updated_at = os.updatedAt
    }
}

struct SigningKeyDTO: Encodable {
    var kid: String
    var alg: String
    var public_key_pem: String
    var jwk: [String: String]

    init(_ key: SigningKeyInfo) {
        kid = key.kid
        alg = key.algorithm.name
        public_key_pem = key.publicKeyPEM
        jwk = key.jwk
    }
}

struct KeyListItemDTO: Encodable {
    var kid: String
    var alg: String
    var state: String
    var created_at: Date
    var activated_at: Date?
    var retire_at: Date?

    init(_ key: SigningKeyInfo) {
        kid = key.kid
        alg = key.algorithm.name
        state = key.state.rawValue
        created_at = key.createdAt
        activated_at = key.activatedAt
        retire_at = key.retireAt
    }
}

struct RegistrationDTO: Encodable {
    struct Env: Encodable {
        var AGENT_OS_ID: String
        var JWT_VERIFICATION_KEY: String
    }
    var os: OSDTO
    var signing_key: SigningKeyDTO?
    var env: Env?

    init(_ registration: OSRegistry.Registration) {
        os = OSDTO(registration.os)
        signing_key = registration.signingKey.map(SigningKeyDTO.init)
        env = registration.signingKey.map { Env(AGENT_OS_ID: registration.os.id, JWT_VERIFICATION_KEY: $0.publicKeyPEM) }
    }
}

struct AuditEventDTO: Encodable {
    var seq: Int64
    var at: Date
    var actor: String
    var action: String
    var target: String
    var details: [String: String]
    var prev_hash: String
    var hash: String

    init(_ event: AuditRecord) {
        seq = event.seq
        at = event.at
        actor = event.actor
        action = event.action
        target = event.target
        details = event.details
        prev_hash = event.prevHash
        hash = event.hash
    }
}

/// `GET …/audit/verify`: the chain recomputed; `broken_at` is the first altered event.
struct AuditVerificationDTO: Encodable {
    struct Head: Encodable {
        var seq: Int64
        var mac: String
    }
    var verified: Bool
    var events: Int
    /// The last event as stored: pin it (`expect_head=seq:mac`) to detect a cut tail later.
    var head: Head?
    var broken_at: AuditEventDTO?
    /// Why the chain does not verify.
    var reason: String?

    init(_ report: AuditTrail.ChainReport) {
        verified = report.verified
        events = report.events
        head = report.head.map { Head(seq: $0.seq, mac: $0.mac) }
        broken_at = report.firstBroken.map(AuditEventDTO.init)
        reason = report.problem
    }
}
