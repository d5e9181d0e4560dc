import Foundation
import Logging
import PostgresNIO

/// SQL of `users` and `org_members`.
struct MemberStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    typealias Row = (UUID, String, String, OrgRole, Bool, Date, Bool)

    static func member(_ row: Row) -> Member {
        Member(
            user: User(id: row.0, email: row.1, name: row.2),
            role: row.3,
            disabled: row.4,
            createdAt: row.5,
            state: row.6 ? .active : .invited
        )
    }

    /// The user with `email` (case-insensitive), row-locked.
    func userForUpdate(email: String, on connection: PostgresConnection) async throws -> User? {
        let rows = try await connection.query(
            "SELECT id, email, name FROM users WHERE lower(email) = lower(\(email)) FOR UPDATE",
            logger: logger
        )
        return try await rows.decode((UUID, String, String).self).collect().first.map { User(id: $0.0, email: $0.1, name: $0.2) }
    }

    func insertUser(_ user: User, passwordHash: String?, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (\(user.id), \(user.email), \(user.name), \(passwordHash), \(at))",
            logger: logger
        )
    }

    /// Adds `user` to `org` (`invited` until they redeem an invitation); `false` when already a member.
    @discardableResult
    func insertMembership(
        org: UUID,
        user: UUID,
        role: OrgRole,
        state: Member.State = .active,
        at: Date,
        on connection: PostgresConnection
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO org_members (org_id, user_id, role, state, created_at, updated_at)
            VALUES (\(org), \(user), \(role), \(state.rawValue), \(at), \(at)) ON CONFLICT DO NOTHING RETURNING user_id
            """,
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    /// Up to `limit` members whose email (case-insensitive) sorts after the email `after`, by
    /// email. Both sides are lowered by PostgreSQL's `lower()`, the function the order and the
    /// unique index use: a key lowered elsewhere (Swift lowers `Ä` and the Kelvin sign, the
    /// database's locale may not) would name a position that is not the last row's.
    func members(org: UUID, after: String?, limit: Int) async throws -> [Member] {
        let rows = try await client.query(
            """
            SELECT u.id, u.email, u.name, m.role, m.disabled, m.created_at, m.state = 'active'
            FROM org_members m JOIN users u ON u.id = m.user_id
            WHERE m.org_id = \(org) AND (\(after == nil) OR lower(u.email) > lower(\(after ?? ""))) ORDER BY lower(u.email) LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.member)
    }

    /// One member by user id or email, row-locked.
    func memberForUpdate(org: UUID, reference: String, on connection: PostgresConnection) async throws -> Member? {
        let id = UUID(uuidString: reference)
        let email = id == nil ? reference : nil
        let rows = try await connection.query(
            """
            SELECT u.id, u.email, u.name, m.role, m.disabled, m.created_at, m.state = 'active'
            FROM org_members m JOIN users u ON u.id = m.user_id
            WHERE m.org_id = \(org) AND (u.id = \(id) OR lower(u.email) = lower(\(email))) FOR UPDATE OF m
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().first.map(Self.member)
    }

    func update(_ member: Member, org: UUID, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE org_members SET role = \(member.role), disabled = \(member.disabled), updated_at = \(at)
            WHERE org_id = \(org) AND user_id = \(member.user.id)
            """,
            logger: logger
        )
    }

    func delete(org: UUID, user: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM org_members WHERE org_id = \(org) AND user_id = \(user)", logger: logger)
    }

    /// Active owners of `org` other than `user`.
    func otherActiveOwners(org: UUID, except user: UUID, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT count(*) FROM org_members
            WHERE org_id = \(org) AND role = 'owner' AND state = 'active' AND NOT disabled AND user_id <> \(user)
            """,
            logger: logger
        )
        return try await rows.decode(Int.self).collect().first ?? 0
    }

    /// Whether `user` has a membership (in any state) of an organisation other than `org`.
    func belongsElsewhere(user: UUID, than org: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT count(*) FROM org_members WHERE user_id = \(user) AND org_id <> \(org)",
            logger: logger
        )
        return try await (rows.decode(Int.self).collect().first ?? 0) > 0
    }

    /// A member of `org`, by id or email, as a binding or grant subject (invited members too:
    /// admins prepare access before the account joins).
    func subject(org: UUID, reference: String) async throws -> Subject? {
        let id = UUID(uuidString: reference)
        let rows = try await client.query(
            """
            SELECT u.id, u.email FROM users u JOIN org_members m ON m.user_id = u.id AND m.org_id = \(org)
            WHERE u.id = \(id) OR (\(id == nil) AND lower(u.email) = lower(\(reference)))
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String).self).collect().first.map { Subject(kind: .user, id: $0.0, label: $0.1) }
    }
}

extension MemberStore {
    /// "Name <email>" of each of `users` that exists, for the audit trail's labels.
    func labels(users: [UUID]) async throws -> [UUID: String] {
        guard !users.isEmpty else { return [:] }
        let rows = try await client.query("SELECT id, name, email FROM users WHERE id = ANY(\(users))", logger: logger)
        var labels: [UUID: String] = [:]
        for try await (id, name, email) in rows.decode((UUID, String, String).self) { labels[id] = "\(name) <\(email)>" }
        return labels
    }
}
