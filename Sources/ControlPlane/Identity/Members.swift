import Foundation
import Logging
import PostgresNIO

/// People in an organisation: adding (creating the account when new), roles, disabling,
/// removal, and the last-owner guard.
public struct Members: Sendable {
    let client: PostgresClient
    let store: MemberStore
    let access: AccessStore
    let statusLists: StatusLists
    let audit: AuditTrail
    let invitations: Invitations
    let logger: Logger
    let now: WallClock

    /// Adds a member in state `invited` with a single-use invitation (`manageMembers`; owners:
    /// `manageOwners`), creating the account when the email is new (`member.added` and
    /// `invitation.created` audited). The invitation's code is returned once.
    ///
    /// Nobody chooses a password for anyone else: the account redeems the invitation itself
    /// (`Invitations.accept`). Until then admins may bind, grant and name it as a token subject,
    /// but the account cannot act in this organisation.
    public func add(_ access: OrgAccess, email: String, name: String, role: OrgRole) async throws -> (Member, OneTimeCode) {
        try access.require(.manageMembers)
        if role == .owner { try access.require(.manageOwners) }
        let email = try Validation.email(email)
        try Validation.name(name)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            var user = User(id: UUID(), email: email, name: name)
            if let existing = try await store.userForUpdate(email: email, on: connection) {
                user = existing
            } else {
                try await store.insertUser(user, passwordHash: nil, at: at, on: connection)
            }
            let added = try await store.insertMembership(
                org: access.org.id,
                user: user.id,
                role: role,
                state: .invited,
                at: at,
                on: connection
            )
            guard added else { throw ControlPlaneError.conflict("'\(user.email)' is already a member of '\(access.org.slug)'") }
            let event = AuditEvent(.memberAdded, "user:\(user.id.lowercased)", ["email": user.email, "role": role.rawValue])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
            let code = try await invitations.issue(access, user: user, at: at, on: connection)
            return (Member(user: user, role: role, disabled: false, createdAt: at, state: .invited), code)
        }
    }

    /// A page of the members, by email.
    public func list(_ access: OrgAccess, page: PageRequest) async throws -> Page<Member> {
        try access.require(.readMembers)
        let after = try page.after(.members).map { $0[0] }
        let rows = try await store.members(org: access.org.id, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .members) { [$0.user.email] }
    }

    /// Changes a member's role or disabled flag (`member.updated` audited). Owners are managed by
    /// owners only, and the last active owner cannot be demoted or disabled.
    public func update(_ access: OrgAccess, user reference: String, role: OrgRole?, disabled: Bool?) async throws -> Member {
        try access.require(.manageMembers)
        if role == .owner { try access.require(.manageOwners) }
        let at = now()
        if disabled == true { try await statusLists.flushRecords() }
        return try await client.transaction(logger: logger) { connection in
            var member = try await locked(access, reference, on: connection)
            if member.role == .owner { try access.require(.manageOwners) }
            if disabled == true && !member.disabled {
                let subject = Subject(kind: .user, id: member.user.id, label: "")
                try await statusLists.revokeSubject(subject, on: nil, org: access.org.id, on: connection)
            }
            let demotesOwner =
                member.role == .owner && member.state == .active
                && ((role != nil && role != .owner) || (disabled == true && !member.disabled))
            if demotesOwner { try await ensureAnotherOwner(access.org.id, except: member.user.id, on: connection) }
            member.role = role ?? member.role
            member.disabled = disabled ?? member.disabled
            try await store.update(member, org: access.org.id, at: at, on: connection)
            let event = AuditEvent(
                .memberUpdated,
                "user:\(member.user.id.lowercased)",
                ["role": member.role.rawValue, "disabled": "\(member.disabled)"]
            )
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
            return member
        }
    }

    /// Removes a member with their role bindings and grants in this organisation (`member.removed`),
    /// revoking their outstanding tokens on every OS of it.
    public func remove(_ access: OrgAccess, user reference: String) async throws {
        try access.require(.manageMembers)
        let at = now()
        try await statusLists.flushRecords()
        try await client.transaction(logger: logger) { connection in
            let member = try await locked(access, reference, on: connection)
            if member.role == .owner { try access.require(.manageOwners) }
            if member.role == .owner && member.state == .active {
                try await ensureAnotherOwner(access.org.id, except: member.user.id, on: connection)
            }
            let subject = Subject(kind: .user, id: member.user.id, label: "")
            try await self.access.deleteAccess(of: subject, org: access.org.id, on: connection)
            try await statusLists.revokeSubject(subject, on: nil, org: access.org.id, on: connection)
            try await invitations.store.revokePending(org: access.org.id, user: member.user.id, at: at, on: connection)
            try await store.delete(org: access.org.id, user: member.user.id, on: connection)
            let event = AuditEvent(.memberRemoved, "user:\(member.user.id.lowercased)", ["email": member.user.email])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        }
    }

    private func locked(_ access: OrgAccess, _ reference: String, on connection: PostgresConnection) async throws -> Member {
        guard let member = try await store.memberForUpdate(org: access.org.id, reference: reference, on: connection) else {
            throw ControlPlaneError.notFound("no member '\(reference.prefix(80))' in '\(access.org.slug)'")
        }
        return member
    }

    private func ensureAnotherOwner(_ org: UUID, except user: UUID, on connection: PostgresConnection) async throws {
        guard try await store.otherActiveOwners(org: org, except: user, on: connection) > 0 else {
            throw ControlPlaneError.conflict("the organisation must keep at least one active owner")
        }
    }
}
