import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// Adds a member, creating the user when the email is new (`member.added` audited).
    ///
    /// A password can only be set when the user is created: an org admin must not be able to
    /// reset the password of a user who also belongs to other organisations.
    public func addMember(_ access: OrgAccess, email: String, name: String, role: OrgRole, password: String?) async throws -> Member {
        try access.require(.manageMembers)
        if role == .owner { try access.require(.manageOwners) }
        let email = try Validation.email(email)
        try Validation.name(name)
        if let password { try Passwords.validate(password) }
        let passwordHash: String? = if let password { try await Passwords.hash(password) } else { nil }
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            var user = User(id: UUID(), email: email, name: name)
            let existing = try await
                (try await connection.query(
                    "SELECT id, email, name FROM users WHERE lower(email) = lower(\(email)) FOR UPDATE",
                    logger: logger
                )).decode((UUID, String, String).self).collect()
            if let (id, storedEmail, storedName) = existing.first {
                if password != nil {
                    throw ControlPlaneError.conflict("user '\(email)' already exists; a password can only be set when the user is created")
                }
                user = User(id: id, email: storedEmail, name: storedName)
            } else {
                try await connection.query(
                    """
                    INSERT INTO users (id, email, name, password_hash, created_at)
                    VALUES (\(user.id), \(email), \(name), \(passwordHash), \(at))
                    """,
                    logger: logger
                )
            }
            let inserted = try await
                (try await connection.query(
                    """
                    INSERT INTO org_members (org_id, user_id, role, created_at, updated_at)
                    VALUES (\(access.org.id), \(user.id), \(role.rawValue), \(at), \(at)) ON CONFLICT DO NOTHING RETURNING user_id
                    """,
                    logger: logger
                )).decode(UUID.self).collect()
            guard !inserted.isEmpty else { throw ControlPlaneError.conflict("'\(user.email)' is already a member of '\(access.org.slug)'") }
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "member.added",
                target: "user:\(user.id.lowercased)",
                details: ["email": user.email, "role": role.rawValue],
                at: at,
                logger: logger
            )
            return Member(user: user, role: role, disabled: false, createdAt: at)
        }
    }

    public func listMembers(_ access: OrgAccess) async throws -> [Member] {
        try access.require(.readMembers)
        return try await members(org: access.org.id, only: nil, connection: nil)
    }

    /// Changes a member's role or disabled flag (`member.updated` audited). Owners are managed by
    /// owners only, and the last active owner cannot be demoted or disabled.
    public func updateMember(_ access: OrgAccess, user reference: String, role: OrgRole?, disabled: Bool?) async throws -> Member {
        try access.require(.manageMembers)
        if role == .owner { try access.require(.manageOwners) }
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            var member = try await lockedMember(access, reference, connection: connection)
            if member.role == .owner { try access.require(.manageOwners) }
            let demotesOwner = member.role == .owner && ((role != nil && role != .owner) || (disabled == true && !member.disabled))
            if demotesOwner { try await ensureAnotherOwner(access.org.id, except: member.user.id, connection: connection) }
            member.role = role ?? member.role
            member.disabled = disabled ?? member.disabled
            try await connection.query(
                """
                UPDATE org_members SET role = \(member.role.rawValue), disabled = \(member.disabled), updated_at = \(at)
                WHERE org_id = \(access.org.id) AND user_id = \(member.user.id)
                """,
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "member.updated",
                target: "user:\(member.user.id.lowercased)",
                details: ["role": member.role.rawValue, "disabled": "\(member.disabled)"],
                at: at,
                logger: logger
            )
            return member
        }
    }

    /// Removes a member with their role bindings and grants in this organisation (`member.removed`).
    public func removeMember(_ access: OrgAccess, user reference: String) async throws {
        try access.require(.manageMembers)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            let member = try await lockedMember(access, reference, connection: connection)
            if member.role == .owner {
                try access.require(.manageOwners)
                try await ensureAnotherOwner(access.org.id, except: member.user.id, connection: connection)
            }
            let org = access.org.id
            let user = member.user.id
            try await connection.query("DELETE FROM role_bindings WHERE org_id = \(org) AND user_id = \(user)", logger: logger)
            try await connection.query("DELETE FROM scope_grants WHERE org_id = \(org) AND user_id = \(user)", logger: logger)
            try await connection.query("DELETE FROM org_members WHERE org_id = \(org) AND user_id = \(user)", logger: logger)
            try await AuditLog.append(
                connection,
                org: org,
                actor: access.caller.actor.id,
                action: "member.removed",
                target: "user:\(user.lowercased)",
                details: ["email": member.user.email],
                at: at,
                logger: logger
            )
        }
    }

    private func lockedMember(_ access: OrgAccess, _ reference: String, connection: PostgresConnection) async throws -> Member {
        let matches = try await members(org: access.org.id, only: reference, connection: connection)
        guard let member = matches.first else {
            throw ControlPlaneError.notFound("no member '\(reference.prefix(80))' in '\(access.org.slug)'")
        }
        return member
    }

    private func ensureAnotherOwner(_ org: UUID, except user: UUID, connection: PostgresConnection) async throws {
        let count =
            try await
            (try await connection.query(
                "SELECT count(*) FROM org_members WHERE org_id = \(org) AND role = 'owner' AND NOT disabled AND user_id <> \(user)",
                logger: logger
            )).decode(Int.self).collect().first ?? 0
        guard count > 0 else { throw ControlPlaneError.conflict("the organisation must keep at least one active owner") }
    }

    /// Members of `org`; `only` narrows to one user by id or email (row-locked inside a transaction).
    private func members(org: UUID, only reference: String?, connection: PostgresConnection?) async throws -> [Member] {
        let id = reference.flatMap(UUID.init(uuidString:))
        let email = id == nil ? reference : nil
        let lock = connection == nil ? "" : "FOR UPDATE OF m"
        let query: PostgresQuery = """
            SELECT u.id, u.email, u.name, m.role, m.disabled, m.created_at FROM org_members m JOIN users u ON u.id = m.user_id
            WHERE m.org_id = \(org) AND (\(reference == nil) OR u.id = \(id) OR lower(u.email) = lower(\(email)))
            ORDER BY lower(u.email) \(unescaped: lock)
            """
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        return try await rows.decode((UUID, String, String, String, Bool, Date).self).collect().map {
            id,
            email,
            name,
            role,
            disabled,
            created in
            Member(
                user: User(id: id, email: email, name: name),
                role: OrgRole(rawValue: role) ?? .member,
                disabled: disabled,
                createdAt: created
            )
        }
    }
}

extension UUID {
    /// The lower-case form used in audit targets and token subjects.
    var lowercased: String { uuidString.lowercased() }
}
