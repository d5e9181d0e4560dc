public import AgentOSAuth
import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// Seals and stores `material` for `os`; audits `key.created` (and `key.activated` when active).
    func insertKey(
        _ material: KeyMaterial,
        os: OSInstance,
        state: KeyState,
        at: Date,
        connection: PostgresConnection,
        actor: Actor
    ) async throws -> SigningKeyInfo {
        let aad = KeyMaterial.aad(osInstance: os.internalID, kid: material.kid, algorithm: material.algorithm.name)
        let sealed = try masterKeys.seal(material.privateBytes, aad: aad)
        let jwkJSON = String(
            decoding: try JSONSerialization.data(withJSONObject: material.publicJWK, options: [.sortedKeys]),
            as: UTF8.self
        )
        let activatedAt: Date? = state == .active ? at : nil
        try await connection.query(
            """
            INSERT INTO signing_keys (os_instance, kid, algorithm, state, public_key_pem, public_jwk, private_key_ciphertext, kek_id, created_at, activated_at)
            VALUES (\(os.internalID), \(material.kid), \(material.algorithm.name), \(state.rawValue), \(material.publicKeyPEM),
                    \(jwkJSON)::jsonb, \(sealed.ciphertext), \(sealed.kekID), \(at), \(activatedAt))
            """,
            logger: logger
        )
        try await AuditLog.append(
            connection,
            org: os.orgID,
            actor: actor.id,
            action: "key.created",
            target: "os:\(os.id)/key:\(material.kid)",
            details: ["algorithm": material.algorithm.name, "state": state.rawValue],
            at: at,
            logger: logger
        )
        if state == .active {
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "key.activated",
                target: "os:\(os.id)/key:\(material.kid)",
                at: at,
                logger: logger
            )
        }
        return SigningKeyInfo(
            kid: material.kid,
            algorithm: material.algorithm.name,
            state: state,
            createdAt: at,
            activatedAt: activatedAt,
            retireAt: nil,
            publicKeyPEM: material.publicKeyPEM,
            jwk: material.publicJWK
        )
    }

    /// Every key of an OS, newest first; a retiring key past `retire_at` reads as `retired`.
    public func keys(org slug: String, os id: String) async throws -> [SigningKeyInfo] {
        let os = try await osInstance(org: slug, id: id)
        return try await keys(of: os)
    }

    func keys(of os: OSInstance) async throws -> [SigningKeyInfo] {
        let rows = try await client.query(
            """
            SELECT kid, algorithm, state, created_at, activated_at, retire_at, public_key_pem, public_jwk::text
            FROM signing_keys WHERE os_instance = \(os.internalID) ORDER BY created_at DESC, kid
            """,
            logger: logger
        )
        let current = now()
        var result: [SigningKeyInfo] = []
        for try await (kid, algorithm, stateRaw, created, activated, retireAt, pem, jwk) in rows.decode(
            (String, String, String, Date, Date?, Date?, String, String).self
        ) {
            var state = KeyState(rawValue: stateRaw) ?? .revoked
            if state == .retiring, let retireAt, retireAt <= current { state = .retired }
            let members = (try? JSONSerialization.jsonObject(with: Data(jwk.utf8)) as? [String: String]) ?? [:]
            result.append(
                SigningKeyInfo(
                    kid: kid,
                    algorithm: algorithm,
                    state: state,
                    createdAt: created,
                    activatedAt: activated,
                    retireAt: retireAt,
                    publicKeyPEM: pem,
                    jwk: members
                )
            )
        }
        return result
    }

    /// Keys published in the JWKS (pending, active, retiring before `retire_at`).
    public func publishedKeys(org slug: String, os id: String) async throws -> [SigningKeyInfo] {
        try await keys(org: slug, os: id).filter { $0.state.isPublished }
    }

    /// Creates a key: `pending`, or `active` (the previous active key becomes `retiring`).
    public func createKey(org slug: String, os id: String, algorithm: SigningAlgorithm, activate: Bool, actor: Actor) async throws
        -> SigningKeyInfo
    {
        let os = try await osInstance(org: slug, id: id)
        guard os.authorizationEnabled else {
            throw ControlPlaneError.conflict("authorization is off for OS '\(id)'; enable it first (POST …/authorization)")
        }
        let material = try KeyMaterial.generate(algorithm)
        let at = now()
        let key = try await client.transaction(logger: logger) { connection in
            try await lockKeyTransitions(os, connection: connection)
            if activate { try await retireActive(os, at: at, connection: connection, actor: actor) }
            return try await insertKey(material, os: os, state: activate ? .active : .pending, at: at, connection: connection, actor: actor)
        }
        if activate { await signers.remove(os: os.internalID) }
        return key
    }

    /// Makes a pending (or retiring) key the active one; the previous active key starts retiring.
    public func activateKey(org slug: String, os id: String, kid: String, actor: Actor) async throws -> SigningKeyInfo {
        let os = try await osInstance(org: slug, id: id)
        guard let key = try await keys(of: os).first(where: { $0.kid == kid }) else {
            throw ControlPlaneError.notFound("no key '\(kid.prefix(64))' on OS '\(id)'")
        }
        switch key.state {
        case .active: return key
        case .revoked, .retired: throw ControlPlaneError.conflict("key \(kid) is \(key.state.rawValue) and cannot be activated again")
        case .pending, .retiring: break
        }
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await lockKeyTransitions(os, connection: connection)
            try await retireActive(os, at: at, connection: connection, actor: actor)
            try await connection.query(
                """
                UPDATE signing_keys SET state = 'active', activated_at = \(at), deactivated_at = NULL, retire_at = NULL
                WHERE os_instance = \(os.internalID) AND kid = \(kid)
                """,
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "key.activated",
                target: "os:\(id)/key:\(kid)",
                at: at,
                logger: logger
            )
        }
        // After commit: a signer cached mid-transaction would still be the old key.
        await signers.remove(os: os.internalID)
        return try await keys(of: os).first { $0.kid == kid }!
    }

    /// Revokes a key: gone from the JWKS at once; revoking the active key leaves the OS without a signing key.
    public func revokeKey(org slug: String, os id: String, kid: String, actor: Actor) async throws -> SigningKeyInfo {
        let os = try await osInstance(org: slug, id: id)
        guard let key = try await keys(of: os).first(where: { $0.kid == kid }) else {
            throw ControlPlaneError.notFound("no key '\(kid.prefix(64))' on OS '\(id)'")
        }
        if key.state == .revoked { return key }
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await lockKeyTransitions(os, connection: connection)
            try await connection.query(
                "UPDATE signing_keys SET state = 'revoked', revoked_at = \(at) WHERE os_instance = \(os.internalID) AND kid = \(kid)",
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "key.revoked",
                target: "os:\(id)/key:\(kid)",
                details: ["previous_state": key.state.rawValue],
                at: at,
                logger: logger
            )
        }
        await signers.remove(os: os.internalID)
        return try await keys(of: os).first { $0.kid == kid }!
    }

    /// Serialises key-state changes of one OS: two concurrent rotations would otherwise both
    /// retire the same active key and both insert an active one (one of them failing on the
    /// one-active-key index).
    private func lockKeyTransitions(_ os: OSInstance, connection: PostgresConnection) async throws {
        try await connection.query("SELECT 1 FROM os_instances WHERE id = \(os.internalID) FOR UPDATE", logger: logger)
    }

    private func retireActive(_ os: OSInstance, at: Date, connection: PostgresConnection, actor: Actor) async throws {
        let retireAt = at.addingTimeInterval(settings.maxTokenLifetime + settings.jwksMaxAge)
        let rows = try await connection.query(
            """
            UPDATE signing_keys SET state = 'retiring', deactivated_at = \(at), retire_at = \(retireAt)
            WHERE os_instance = \(os.internalID) AND state = 'active' RETURNING kid
            """,
            logger: logger
        )
        for try await kid in rows.decode(String.self) {
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "key.retiring",
                target: "os:\(os.id)/key:\(kid)",
                details: ["retire_at": "\(Int(retireAt.timeIntervalSince1970))"],
                at: at,
                logger: logger
            )
        }
    }
}
