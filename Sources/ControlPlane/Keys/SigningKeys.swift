public import AgentOSAuth
public import Foundation
import Logging
import PostgresNIO

/// Custody of every OS's signing keys: generation, sealing under the KEK, the lifecycle
/// (`pending` → `active` → `retiring` → `retired`, or `revoked`), the public halves, and the
/// decrypted signers cached for issuance (`docs/keys.md`).
public struct SigningKeys: Sendable {
    let client: PostgresClient
    let store: KeyStore
    let osStore: OSStore
    let masterKeys: MasterKeys
    let signers: SignerCache
    /// How long a retiring key stays published: the longest token plus the JWKS cache time.
    let retirement: TimeInterval
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// Every key of an OS, newest first (`readOS`).
    public func list(_ access: OrgAccess, os id: String, page: PageRequest) async throws -> Page<SigningKeyInfo> {
        try access.require(.readOS)
        let os = try await os(access, id)
        let after = try page.after(.signingKeys).map { fields in
            guard !fields[1].isEmpty, fields[1].utf8.count <= 128 else { throw ListCursor.foreign }
            return (micros: try ListCursor.TimeKey.micros(parsing: fields[0]), kid: fields[1])
        }
        let rows = try await store.keys(os: os.internalID, now: now(), after: after, limit: page.fetch)
        return Page.of(rows, page, list: .signingKeys) { [String(ListCursor.TimeKey.micros($0.createdAt)), $0.kid] }
    }

    /// Keys published in the JWKS (pending, active, retiring before `retire_at`); public.
    public func published(org slug: String, os id: String) async throws -> [SigningKeyInfo] {
        try await publishedSet(org: slug, os: id).keys
    }

    /// The JWKS document of `keys` (`{"keys": [...]}`, sorted keys): what `…/jwks.json` serves and
    /// what a JWKS file for `JWT_JWKS_FILE` holds, byte for byte.
    public static func jwksDocument(_ keys: [SigningKeyInfo]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The OS and its published keys; public.
    public func publishedSet(org slug: String, os id: String) async throws -> (os: OSInstance, keys: [SigningKeyInfo]) {
        try Validation.slug(slug)
        try Validation.osID(id)
        guard let os = try await osStore.find(orgSlug: slug, id: id) else { throw Self.unpublished(org: slug, os: id) }
        return (os, try await keys(of: os).filter { $0.state.isPublished })
    }

    /// The OS of a public route that publishes a key (pending, active or retiring); otherwise
    /// ``unpublished(org:os:)``, so an unknown organisation, an unknown OS and one without keys look alike.
    func publishingOS(org slug: String, id: String) async throws -> OSInstance {
        try Validation.slug(slug)
        try Validation.osID(id)
        guard let os = try await osStore.find(orgSlug: slug, id: id), try await keys(of: os).contains(where: { $0.state.isPublished })
        else { throw Self.unpublished(org: slug, os: id) }
        return os
    }

    /// The one answer of the public-key routes for an unknown organisation, an unknown OS and an
    /// OS without a published key alike, so none of them can be told apart by a stranger (not even
    /// by the names echoed back).
    public static func unpublished(org slug: String, os id: String) -> ControlPlaneError {
        .notFound("no published signing key for this organisation and OS")
    }

    /// Creates a key (`manageKeys`): `pending`, or `active` (the previous active key becomes `retiring`).
    public func create(_ access: OrgAccess, os id: String, algorithm: SigningAlgorithm, activate: Bool) async throws -> SigningKeyInfo {
        try access.require(.manageKeys)
        let os = try await os(access, id)
        guard os.authorizationEnabled else {
            throw ControlPlaneError.conflict("authorization is off for OS '\(id)'; enable it first (POST …/authorization)")
        }
        try os.verifier.allow(algorithm, os: id)
        let material = try KeyMaterial.generate(algorithm)
        let at = now()
        let key = try await client.transaction(logger: logger) { connection in
            // Again under the lock: a verifier switched meanwhile decides.
            try await osStore.lock(os, on: connection).verifier.allow(algorithm, os: id)
            if activate { try await retireActive(os, at: at, by: access.caller.actor, on: connection) }
            return try await insert(material, os: os, state: activate ? .active : .pending, at: at, by: access.caller.actor, on: connection)
        }
        if activate { signers.remove(os: os.internalID) }
        return key
    }

    /// Makes a pending (or retiring) key the active one (`manageKeys`); the previous active key starts retiring.
    public func activate(_ access: OrgAccess, os id: String, kid: String) async throws -> SigningKeyInfo {
        try access.require(.manageKeys)
        let os = try await os(access, id)
        let current = try await key(kid, of: os)
        switch current.state {
        case .active: return current
        case .revoked, .retired: throw ControlPlaneError.conflict("key \(kid) is \(current.state.rawValue) and cannot be activated again")
        case .pending, .retiring: break
        }
        let at = now()
        try await client.transaction(logger: logger) { connection in
            // A key staged while the OS had another verifier signs only if this one accepts it.
            try await osStore.lock(os, on: connection).verifier.allow(current.algorithm, os: id)
            try await retireActive(os, at: at, by: access.caller.actor, on: connection)
            try await store.activate(os: os.internalID, kid: kid, at: at, on: connection)
            try await audit.append(
                .init(.keyActivated, "os:\(id)/key:\(kid)"),
                org: os.orgID,
                by: access.caller.actor,
                at: at,
                on: connection
            )
        }
        // After commit: a signer cached mid-transaction would still be the old key.
        signers.remove(os: os.internalID)
        return try await key(kid, of: os)
    }

    /// Revokes a key (`manageKeys`): gone from the JWKS at once; revoking the active key leaves the OS without a signing key.
    public func revoke(_ access: OrgAccess, os id: String, kid: String) async throws -> SigningKeyInfo {
        try access.require(.manageKeys)
        let os = try await os(access, id)
        let current = try await key(kid, of: os)
        if current.state == .revoked { return current }
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await osStore.lock(os, on: connection)
            try await store.revoke(os: os.internalID, kid: kid, at: at, on: connection)
            let event = AuditEvent(.keyRevoked, "os:\(id)/key:\(kid)", ["previous_state": current.state.rawValue])
            try await audit.append(event, org: os.orgID, by: access.caller.actor, at: at, on: connection)
        }
        signers.remove(os: os.internalID)
        return try await self.key(kid, of: os)
    }

    /// The id of the KEK new keys are sealed under (the first configured one).
    public var sealingKEKID: String { masterKeys.currentID }

    /// Re-seals every private key under the current (first) KEK; returns how many were rewrapped.
    public func rewrapAll() async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            var count = 0
            for var sealed in try await store.allSealedForUpdate(on: connection) {
                let aad = KeyMaterial.aad(osInstance: sealed.os, kid: sealed.kid, algorithm: sealed.algorithm.name)
                guard let resealed = try masterKeys.resealed(sealed.ciphertext, aad: aad, kekID: sealed.kekID) else { continue }
                sealed.ciphertext = resealed.ciphertext
                sealed.kekID = resealed.kekID
                try await store.updateSealed(sealed, on: connection)
                count += 1
            }
            return count
        }
    }

    /// Seals and stores `material` for `os`; audits `key.created` (and `key.activated` when active).
    func insert(
        _ material: KeyMaterial,
        os: OSInstance,
        state: KeyState,
        at: Date,
        by actor: AuditActor,
        on connection: PostgresConnection
    ) async throws -> SigningKeyInfo {
        let aad = KeyMaterial.aad(osInstance: os.internalID, kid: material.kid, algorithm: material.algorithm.name)
        let sealed = try masterKeys.seal(material.privateBytes, aad: aad)
        let key = SigningKeyInfo(
            kid: material.kid,
            algorithm: material.algorithm,
            state: state,
            createdAt: at,
            activatedAt: state == .active ? at : nil,
            retireAt: nil,
            publicKeyPEM: material.publicKeyPEM,
            jwk: material.publicJWK
        )
        let stored = KeyStore.Sealed(
            os: os.internalID,
            kid: key.kid,
            algorithm: key.algorithm,
            ciphertext: sealed.ciphertext,
            kekID: sealed.kekID
        )
        try await store.insert(key, sealed: stored, on: connection)
        let target = "os:\(os.id)/key:\(key.kid)"
        let created = AuditEvent(.keyCreated, target, ["algorithm": key.algorithm.name, "state": state.rawValue])
        try await audit.append(created, org: os.orgID, by: actor, at: at, on: connection)
        if state == .active { try await audit.append(.init(.keyActivated, target), org: os.orgID, by: actor, at: at, on: connection) }
        return key
    }

    /// Every key of `os`, newest first.
    func keys(of os: OSInstance) async throws -> [SigningKeyInfo] {
        try await store.keys(os: os.internalID, now: now())
    }

    /// Drops the cached signer of a deleted OS.
    func forget(_ os: OSInstance) async { signers.remove(os: os.internalID) }

    /// The OS for a public route: an unknown organisation and an unknown OS say which.
    func publicOS(org slug: String, id: String) async throws -> OSInstance {
        try Validation.slug(slug)
        try Validation.osID(id)
        if let os = try await osStore.find(orgSlug: slug, id: id) { return os }
        throw ControlPlaneError.notFound("no OS '\(id)' in '\(slug)'")
    }

    private func os(_ access: OrgAccess, _ id: String) async throws -> OSInstance {
        try Validation.osID(id)
        guard let os = try await osStore.find(org: access.org.id, id: id) else {
            throw ControlPlaneError.notFound("no OS '\(id)' in '\(access.org.slug)'")
        }
        return os
    }

    private func key(_ kid: String, of os: OSInstance) async throws -> SigningKeyInfo {
        guard let key = try await keys(of: os).first(where: { $0.kid == kid }) else {
            throw ControlPlaneError.notFound("no key '\(kid.prefix(64))' on OS '\(os.id)'")
        }
        return key
    }

    /// Moves the active key of `os` (if any) to `retiring`, audited.
    func retireActive(_ os: OSInstance, at: Date, by actor: AuditActor, on connection: PostgresConnection) async throws {
        let retireAt = at.addingTimeInterval(retirement)
        for kid in try await store.retireActive(os: os.internalID, at: at, retireAt: retireAt, on: connection) {
            let event = AuditEvent(.keyRetiring, "os:\(os.id)/key:\(kid)", ["retire_at": "\(Int(retireAt.timeIntervalSince1970))"])
            try await audit.append(event, org: os.orgID, by: actor, at: at, on: connection)
        }
    }
}
