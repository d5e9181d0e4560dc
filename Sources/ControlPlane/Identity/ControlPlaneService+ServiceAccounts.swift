public import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// A service account as listed (never the secret).
    public struct ServiceAccount: Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var clientID: String
        public var tokenBroker: Bool
        public var createdAt: Date
        public var revokedAt: Date?
    }

    /// Creates a service account; the client secret is returned once (`service_account.created`).
    public func createServiceAccount(_ access: OrgAccess, name: String, tokenBroker: Bool) async throws -> (ServiceAccount, String) {
        try access.require(.manageServiceAccounts)
        try Validation.name(name)
        let secret = Self.newSecret(prefix: "cpsa_")
        let account = ServiceAccount(
            id: UUID(),
            name: name,
            clientID: "cpc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            tokenBroker: tokenBroker,
            createdAt: now(),
            revokedAt: nil
        )
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO service_accounts (id, org_id, name, client_id, secret_hash, token_broker, created_at)
                VALUES (\(account.id), \(access.org.id), \(name), \(account.clientID), \(Self.hash(secret)), \(tokenBroker), \(account.createdAt))
                """,
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "service_account.created",
                target: "svc:\(account.id.lowercased)",
                details: ["name": name, "token_broker": "\(tokenBroker)"],
                at: account.createdAt,
                logger: logger
            )
        }
        return (account, secret)
    }

    public func listServiceAccounts(_ access: OrgAccess) async throws -> [ServiceAccount] {
        try access.require(.manageServiceAccounts)
        let rows = try await client.query(
            """
            SELECT id, name, client_id, token_broker, created_at, revoked_at FROM service_accounts
            WHERE org_id = \(access.org.id) ORDER BY created_at
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Bool, Date, Date?).self).collect().map {
            ServiceAccount(id: $0.0, name: $0.1, clientID: $0.2, tokenBroker: $0.3, createdAt: $0.4, revokedAt: $0.5)
        }
    }

    /// Revokes a service account: no new tokens and no API calls; JWTs already issued stay valid
    /// until their `exp` (the OS verifies offline). `service_account.revoked` audited.
    public func revokeServiceAccount(_ access: OrgAccess, id: UUID) async throws {
        try access.require(.manageServiceAccounts)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            let revoked = try await
                (try await connection.query(
                    """
                    UPDATE service_accounts SET revoked_at = \(at)
                    WHERE id = \(id) AND org_id = \(access.org.id) AND revoked_at IS NULL RETURNING id
                    """,
                    logger: logger
                )).decode(UUID.self).collect()
            guard !revoked.isEmpty else { throw ControlPlaneError.notFound("no active service account \(id.lowercased)") }
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "service_account.revoked",
                target: "svc:\(id.lowercased)",
                at: at,
                logger: logger
            )
        }
    }

    /// Resolves a binding/grant subject inside the organisation: a member (by id or email) or an
    /// active service account of that organisation.
    func resolveSubject(_ reference: SubjectReference, org: UUID) async throws -> Subject {
        switch reference {
        case .user(let text):
            let id = UUID(uuidString: text)
            let rows = try await
                (try await client.query(
                    """
                    SELECT u.id, u.email FROM users u JOIN org_members m ON m.user_id = u.id AND m.org_id = \(org)
                    WHERE u.id = \(id) OR (\(id == nil) AND lower(u.email) = lower(\(text)))
                    """,
                    logger: logger
                )).decode((UUID, String).self).collect()
            guard let (userID, email) = rows.first else {
                throw ControlPlaneError.notFound("no member '\(text.prefix(80))' in this organisation")
            }
            return Subject(kind: .user, id: userID, label: email)
        case .serviceAccount(let text):
            guard let id = UUID(uuidString: text.hasPrefix("svc:") ? String(text.dropFirst(4)) : text) else {
                throw ControlPlaneError.invalid("service_account must be a service-account id")
            }
            let rows = try await
                (try await client.query(
                    "SELECT id, name FROM service_accounts WHERE id = \(id) AND org_id = \(org) AND revoked_at IS NULL",
                    logger: logger
                )).decode((UUID, String).self).collect()
            guard let (accountID, name) = rows.first else { throw ControlPlaneError.notFound("no active service account \(id.lowercased)") }
            return Subject(kind: .serviceAccount, id: accountID, label: name)
        }
    }
}
