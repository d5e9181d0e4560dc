public import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// The OS instances of an organisation: registration (with the first key pair), authorization,
/// updates, deletion and security keys.
public struct OSRegistry: Sendable {
    let client: PostgresClient
    let store: OSStore
    let keys: SigningKeys
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock
    /// The JWKS max age, which bounds rotation periods from below.
    let jwksMaxAge: TimeInterval

    /// The result of registering an OS or enabling its authorization.
    public struct Registration: Sendable {
        public var os: OSInstance
        /// The active key, when authorization is on.
        public var signingKey: SigningKeyInfo?
        /// `true` when this call created the key (false: it already existed).
        public var created: Bool
    }

    /// Registers an OS (`writeOS`); with authorization on (the default) generates and activates its key pair.
    public func register(
        _ access: OrgAccess,
        id: String,
        name: String,
        url: String?,
        authorization: Bool,
        algorithm: SigningAlgorithm,
        rotationPeriod: Int? = nil
    ) async throws -> Registration {
        try access.require(.writeOS)
        try Validation.osID(id)
        try Validation.name(name)
        try Validation.url(url)
        try Validation.rotationPeriod(rotationPeriod, jwksMaxAge: jwksMaxAge)
        let at = now()
        let os = OSInstance(
            id: id,
            name: name,
            url: url,
            authorizationEnabled: authorization,
            createdAt: at,
            updatedAt: at,
            rotationPeriod: rotationPeriod,
            internalID: UUID(),
            orgID: access.org.id
        )
        let material = authorization ? try KeyMaterial.generate(algorithm) : nil
        let actor = access.caller.actor
        return try await client.transaction(logger: logger) { connection in
            try await store.insert(os, orgSlug: access.org.slug, on: connection)
            var details = ["name": name, "authorization": "\(authorization)"]
            if let rotationPeriod { details["rotation_period"] = "\(rotationPeriod)" }
            let event = AuditEvent(.osRegistered, "os:\(id)", details)
            try await audit.append(event, org: os.orgID, by: actor, at: at, on: connection)
            guard let material else { return Registration(os: os, signingKey: nil, created: true) }
            let key = try await keys.insert(material, os: os, state: .active, at: at, by: actor, on: connection)
            return Registration(os: os, signingKey: key, created: true)
        }
    }

    /// Turns authorization on and generates the first key (`manageKeys`); a second call returns the active key.
    public func enableAuthorization(_ access: OrgAccess, os id: String, algorithm: SigningAlgorithm) async throws -> Registration {
        try access.require(.manageKeys)
        var os = try await find(access.org, id)
        if os.authorizationEnabled, let active = try await keys.keys(of: os).first(where: { $0.state == .active }) {
            return Registration(os: os, signingKey: active, created: false)
        }
        let material = try KeyMaterial.generate(algorithm)
        os.authorizationEnabled = true
        os.updatedAt = now()
        let updated = os
        let key = try await client.transaction(logger: logger) { connection in
            try await store.update(updated, on: connection)
            let event = AuditEvent(.osAuthorizationEnabled, "os:\(id)", ["algorithm": algorithm.name])
            try await audit.append(event, org: updated.orgID, by: access.caller.actor, at: updated.updatedAt, on: connection)
            return try await keys.insert(
                material,
                os: updated,
                state: .active,
                at: updated.updatedAt,
                by: access.caller.actor,
                on: connection
            )
        }
        return Registration(os: updated, signingKey: key, created: true)
    }

    public func list(_ access: OrgAccess) async throws -> [OSInstance] {
        try access.require(.readOS)
        return try await store.list(org: access.org.id)
    }

    public func get(_ access: OrgAccess, id: String) async throws -> OSInstance {
        try access.require(.readOS)
        return try await find(access.org, id)
    }

    /// Updates name, url, the `roles` claim switch and/or the rotation period (`.some(nil)` ends
    /// the schedule) (`writeOS`; `os.updated` audited).
    public func update(
        _ access: OrgAccess,
        id: String,
        name: String?,
        url: String??,
        rolesClaim: Bool? = nil,
        rotationPeriod: Int?? = .none
    ) async throws -> OSInstance {
        try access.require(.writeOS)
        if let name { try Validation.name(name) }
        if let url { try Validation.url(url) }
        if let rotationPeriod { try Validation.rotationPeriod(rotationPeriod, jwksMaxAge: jwksMaxAge) }
        var os = try await find(access.org, id)
        if let name { os.name = name }
        if let url { os.url = url }
        if let rolesClaim { os.rolesClaim = rolesClaim }
        if let rotationPeriod { os.rotationPeriod = rotationPeriod }
        os.updatedAt = now()
        let updated = os
        try await client.transaction(logger: logger) { connection in
            try await store.update(updated, on: connection)
            let event = AuditEvent(
                .osUpdated,
                "os:\(id)",
                [
                    "name": updated.name, "url": updated.url ?? "", "roles_claim": "\(updated.rolesClaim)",
                    "rotation_period": updated.rotationPeriod.map { "\($0)" } ?? "",
                ]
            )
            try await audit.append(event, org: updated.orgID, by: access.caller.actor, at: updated.updatedAt, on: connection)
        }
        return updated
    }

    /// Deletes an OS and, with it, its keys' ciphertext (`deleteOS`; `os.deleted` audited).
    public func delete(_ access: OrgAccess, id: String) async throws {
        try access.require(.deleteOS)
        let os = try await find(access.org, id)
        try await client.transaction(logger: logger) { connection in
            try await store.delete(os, on: connection)
            try await audit.append(.init(.osDeleted, "os:\(id)"), org: os.orgID, by: access.caller.actor, at: now(), on: connection)
        }
        await keys.forget(os)
    }

    /// Replaces the OS's security key and returns the new one, once (`manageKeys`; `security_key.rotated` audited).
    public func rotateSecurityKey(_ access: OrgAccess, os id: String) async throws -> String {
        try access.require(.manageKeys)
        let os = try await find(access.org, id)
        let secret = Secrets.generate(prefix: "osk_")
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await store.setSecurityKey(os, hash: Secrets.hash(secret), at: at, on: connection)
            try await audit.append(.init(.securityKeyRotated, "os:\(id)"), org: os.orgID, by: access.caller.actor, at: at, on: connection)
        }
        return secret
    }

    /// The OS `id` of `org`; callers have checked their own permission.
    func find(_ org: Organization, _ id: String) async throws -> OSInstance {
        try Validation.osID(id)
        guard let os = try await store.find(org: org.id, id: id) else { throw ControlPlaneError.notFound("no OS '\(id)' in '\(org.slug)'") }
        return os
    }
}
