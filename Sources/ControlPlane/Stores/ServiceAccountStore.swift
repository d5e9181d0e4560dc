import Foundation
import Logging
import PostgresNIO

/// SQL of `service_accounts`.
struct ServiceAccountStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    typealias Row = (UUID, String, String, Bool, Date, Date?)

    static func account(_ row: Row) -> ServiceAccount {
        ServiceAccount(id: row.0, name: row.1, clientID: row.2, tokenBroker: row.3, createdAt: row.4, revokedAt: row.5)
    }

    func insert(_ account: ServiceAccount, org: UUID, secretHash: Data, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO service_accounts (id, org_id, name, client_id, secret_hash, token_broker, created_at)
            VALUES (\(account.id), \(org), \(account.name), \(account.clientID), \(secretHash), \(account.tokenBroker), \(account.createdAt))
            """,
            logger: logger
        )
    }

    /// Up to `limit` accounts created after `after`, oldest first.
    func list(org: UUID, after: ListCursor.TimeKey?, limit: Int) async throws -> [ServiceAccount] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT id, name, client_id, token_broker, created_at, revoked_at FROM service_accounts
            WHERE org_id = \(org)
              AND (\(after == nil) OR (created_at, id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.account)
    }

    /// Revokes an active account of `org`; `false` when there is none with that id.
    func revoke(id: UUID, org: UUID, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "UPDATE service_accounts SET revoked_at = \(at) WHERE id = \(id) AND org_id = \(org) AND revoked_at IS NULL RETURNING id",
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    /// An active account by its secret's hash, for caller authentication.
    func caller(secretHash: Data) async throws -> (id: UUID, org: UUID, name: String, broker: Bool, hash: Data)? {
        let rows = try await client.query(
            "SELECT id, org_id, name, token_broker, secret_hash FROM service_accounts WHERE secret_hash = \(secretHash) AND revoked_at IS NULL",
            logger: logger
        )
        return try await rows.decode((UUID, UUID, String, Bool, Data).self).collect().first.map { ($0.0, $0.1, $0.2, $0.3, $0.4) }
    }

    /// An active account of `org` as a binding or grant subject.
    func subject(id: UUID, org: UUID) async throws -> Subject? {
        let rows = try await client.query(
            "SELECT id, name FROM service_accounts WHERE id = \(id) AND org_id = \(org) AND revoked_at IS NULL",
            logger: logger
        )
        return try await rows.decode((UUID, String).self).collect().first.map { Subject(kind: .serviceAccount, id: $0.0, label: $0.1) }
    }
}

extension ServiceAccountStore {
    /// The names of `ids` among `org`'s service accounts (revoked ones too), for the audit trail's labels.
    func names(org: UUID, ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query(
            "SELECT id, name FROM service_accounts WHERE org_id = \(org) AND id = ANY(\(ids))",
            logger: logger
        )
        var names: [UUID: String] = [:]
        for try await (id, name) in rows.decode((UUID, String).self) { names[id] = name }
        return names
    }
}
