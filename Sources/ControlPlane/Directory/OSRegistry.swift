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
    /// The control plane's public URL (`CONTROL_PLANE_ISSUER`), which an OS's environment names.
    let publicURL: String
    /// Whether tokens carry a status claim (an OS's environment then names the list's origin).
    let statusLists: Bool

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
        rotationPeriod: Int? = nil,
        verifier: OSVerifier = .agno
    ) async throws -> Registration {
        try access.require(.writeOS)
        try Validation.osID(id)
        try Validation.name(name)
        try Validation.url(url)
        try Validation.rotationPeriod(rotationPeriod, jwksMaxAge: jwksMaxAge)
        if authorization { try verifier.allow(algorithm, os: id) }
        try verifier.allowSchedule(rotationPeriod, os: id)
        let at = now()
        let os = OSInstance(
            id: id,
            name: name,
            url: url,
            authorizationEnabled: authorization,
            createdAt: at,
            updatedAt: at,
            rotationPeriod: rotationPeriod,
            verifier: verifier,
            internalID: UUID(),
            orgID: access.org.id
        )
        let material = authorization ? try KeyMaterial.generate(algorithm) : nil
        let actor = access.caller.actor
        return try await client.transaction(logger: logger) { connection in
            try await store.insert(os, orgSlug: access.org.slug, on: connection)
            var details = ["name": name, "authorization": "\(authorization)", "verifier": verifier.rawValue]
            if let rotationPeriod { details["rotation_period"] = "\(rotationPeriod)" }
            let event = AuditEvent(.osRegistered, "os:\(id)", details)
            try await audit.append(event, org: os.orgID, by: actor, at: at, on: connection)
            guard let material else { return Registration(os: os, signingKey: nil, created: true) }
            let key = try await keys.insert(material, os: os, state: .active, at: at, by: actor, on: connection)
            return Registration(os: os, signingKey: key, created: true)
        }
    }

    /// Turns authorization on and generates the first key (`manageKeys`); a second call returns
    /// the active key. Decided on the row as of its lock, so a concurrent call, a verifier switch
    /// or a key created meanwhile is seen (docs/security.md, 3.10).
    public func enableAuthorization(_ access: OrgAccess, os id: String, algorithm: SigningAlgorithm) async throws -> Registration {
        try access.require(.manageKeys)
        let os = try await find(access.org, id)
        if os.authorizationEnabled, let active = try await keys.keys(of: os).first(where: { $0.state == .active }) {
            return Registration(os: os, signingKey: active, created: false)
        }
        try os.verifier.allow(algorithm, os: id)
        let material = try KeyMaterial.generate(algorithm)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            var locked = try await store.lock(os, on: connection)
            let current = try await keys.store.keys(os: locked.internalID, now: at, on: connection)
            if locked.authorizationEnabled, let active = current.first(where: { $0.state == .active }) {
                return Registration(os: locked, signingKey: active, created: false)
            }
            try locked.verifier.allow(algorithm, os: id)
            locked.authorizationEnabled = true
            locked.updatedAt = at
            try await store.update(locked, on: connection)
            let event = AuditEvent(.osAuthorizationEnabled, "os:\(id)", ["algorithm": algorithm.name])
            try await audit.append(event, org: locked.orgID, by: access.caller.actor, at: at, on: connection)
            let key = try await keys.insert(material, os: locked, state: .active, at: at, by: access.caller.actor, on: connection)
            return Registration(os: locked, signingKey: key, created: true)
        }
    }

    /// A page of the organisation's OSes, by id.
    public func list(_ access: OrgAccess, page: PageRequest) async throws -> Page<OSInstance> {
        try access.require(.readOS)
        let rows = try await store.list(org: access.org.id, after: try page.after(.oses).map { $0[0] }, limit: page.fetch)
        return Page.of(rows, page, list: .oses) { [$0.id] }
    }

    public func get(_ access: OrgAccess, id: String) async throws -> OSInstance {
        try access.require(.readOS)
        return try await find(access.org, id)
    }

    /// Updates name, url, the `roles` claim switch, the rotation period (`.some(nil)` ends the
    /// schedule) and/or the verifier (`writeOS`; `os.updated` audited). A schedule or published key
    /// the verifier cannot follow is refused: 400 when this request asks for it, 409 when the OS
    /// already has it.
    public func update(
        _ access: OrgAccess,
        id: String,
        name: String?,
        url: String??,
        rolesClaim: Bool? = nil,
        rotationPeriod: Int?? = .none,
        verifier: OSVerifier? = nil
    ) async throws -> OSInstance {
        try access.require(.writeOS)
        if let name { try Validation.name(name) }
        if let url { try Validation.url(url) }
        if let rotationPeriod { try Validation.rotationPeriod(rotationPeriod, jwksMaxAge: jwksMaxAge) }
        let found = try await find(access.org, id)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            // The row as of its lock (as every key change takes it): a concurrent update is
            // built on, not undone, and no key Agno cannot use is created meanwhile.
            var os = try await store.lock(found, on: connection)
            if let name { os.name = name }
            if let url { os.url = url }
            if let rolesClaim { os.rolesClaim = rolesClaim }
            if let rotationPeriod {
                try (verifier ?? os.verifier).allowSchedule(rotationPeriod, os: id)
                os.rotationPeriod = rotationPeriod
            }
            if let verifier, verifier != os.verifier {
                do { try verifier.allowSchedule(os.rotationPeriod, os: id) } catch ControlPlaneError.invalid(let message) {
                    throw ControlPlaneError.conflict(message + " (end the schedule first: rotation_period null)")
                }
            }
            os.verifier = verifier ?? os.verifier
            os.updatedAt = at
            if os.verifier == .agno,
                let key = try await keys.store.keys(os: os.internalID, now: at, on: connection)
                    .first(where: { $0.state.isPublished && $0.algorithm != .rs256 })
            {
                throw ControlPlaneError.conflict(
                    "OS '\(id)' publishes \(key.algorithm.name) key \(key.kid), which stock Agno refuses; revoke it "
                        + "(after an RS256 key is active) before setting verifier 'agno'"
                )
            }
            try await store.update(os, on: connection)
            let event = AuditEvent(
                .osUpdated,
                "os:\(id)",
                [
                    "name": os.name, "url": os.url ?? "", "roles_claim": "\(os.rolesClaim)",
                    "rotation_period": os.rotationPeriod.map { "\($0)" } ?? "", "verifier": os.verifier.rawValue,
                ]
            )
            try await audit.append(event, org: os.orgID, by: access.caller.actor, at: at, on: connection)
            return os
        }
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
