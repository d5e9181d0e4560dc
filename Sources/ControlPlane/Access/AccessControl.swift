import AgentOSAuth
public import Foundation
import Logging
import PostgresNIO

/// OS roles, role bindings and per-OS grants, and what they add up to for a subject
/// (`docs/access.md`).
public struct AccessControl: Sendable {
    let client: PostgresClient
    let store: AccessStore
    let subjects: SubjectDirectory
    let os: OSStore
    let keys: SigningKeys
    let statusLists: StatusLists
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// Creates a custom role after linting every scope (`manageAccess`; `role.created` audited).
    public func createRole(_ access: OrgAccess, slug: String, name: String?, description: String?, scopes: [String]) async throws -> Role {
        try access.require(.manageAccess)
        try Validation.slug(slug)
        if let name { try Validation.name(name) }
        if let description {
            guard description.count <= 1000 else { throw ControlPlaneError.invalid("description must be at most 1000 characters") }
            try Validation.printable(description, field: "description")
        }
        let scopes = try Validation.scopes(scopes)
        let role = Role(slug: slug, name: name ?? slug, description: description ?? "", builtin: false, scopes: scopes, id: UUID())
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await store.insert(role, org: access.org, at: at, on: connection)
            let event = AuditEvent(.roleCreated, "role:\(slug)", ["scopes": scopes.joined(separator: " ")])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        }
        return role
    }

    /// A page of the organisation's roles, built-in first, then by slug.
    public func listRoles(_ access: OrgAccess, page: PageRequest) async throws -> Page<Role> {
        try access.require(.readAccess)
        let after = try page.after(.roles).map { key in
            guard key[0] == "0" || key[0] == "1" else { throw ListCursor.foreign }
            return (custom: key[0] == "1", slug: key[1])
        }
        let rows = try await store.roles(org: access.org.id, slug: nil, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .roles) { [$0.builtin ? "0" : "1", $0.slug] }
    }

    public func role(_ access: OrgAccess, slug: String) async throws -> Role {
        try access.require(.readAccess)
        return try await find(role: slug, in: access.org)
    }

    /// Replaces a custom role's scopes (`manageAccess`; `role.scopes_set` audited). Built-in roles are fixed.
    public func setRoleScopes(_ access: OrgAccess, slug: String, scopes: [String]) async throws -> Role {
        try access.require(.manageAccess)
        let scopes = try Validation.scopes(scopes)
        var role = try await mutableRole(access, slug: slug)
        let at = now()
        let id = role.id
        try await client.transaction(logger: logger) { connection in
            try await store.setScopes(scopes, role: id, at: at, on: connection)
            let event = AuditEvent(.roleScopesSet, "role:\(slug)", ["scopes": scopes.joined(separator: " ")])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        }
        role.scopes = scopes
        return role
    }

    /// Deletes a custom role (`manageAccess`); 409 while it is bound unless `force` (which drops the bindings too).
    public func deleteRole(_ access: OrgAccess, slug: String, force: Bool) async throws {
        try access.require(.manageAccess)
        let role = try await mutableRole(access, slug: slug)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            let bound = try await store.bindingCount(role: role.id, on: connection)
            if bound > 0 && !force {
                throw ControlPlaneError.conflict("role '\(slug)' has \(bound) binding(s); remove them or delete with ?force=true")
            }
            try await store.delete(role: role.id, on: connection)
            let event = AuditEvent(.roleDeleted, "role:\(slug)", ["bindings_removed": "\(bound)"])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        }
    }

    /// Binds a role (`manageAccess`; `binding.created` audited); 409 for a duplicate.
    public func createBinding(_ access: OrgAccess, subject reference: SubjectReference, role slug: String, os osID: String?) async throws
        -> RoleBinding
    {
        try access.require(.manageAccess)
        let subject = try await subjects.resolve(reference, in: access.org)
        let role = try await find(role: slug, in: access.org)
        let os: OSInstance? = if let osID { try await find(os: osID, in: access.org) } else { nil }
        let binding = RoleBinding(id: UUID(), subject: subject, role: slug, os: osID, createdAt: now())
        try await client.transaction(logger: logger) { connection in
            try await store.insert(binding, role: role.id, org: access.org.id, os: os?.internalID, on: connection)
            let event = AuditEvent(
                .bindingCreated,
                "binding:\(binding.id.lowercased)",
                ["subject": subject.tokenSubject, "role": slug, "os": osID ?? "*"]
            )
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: binding.createdAt, on: connection)
        }
        return binding
    }

    /// A page of the organisation's role bindings, oldest first.
    public func listBindings(_ access: OrgAccess, page: PageRequest) async throws -> Page<RoleBinding> {
        try access.require(.readAccess)
        let after = try page.after(.bindings).map(ListCursor.TimeKey.init)
        let rows = try await store.bindings(org: access.org.id, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .bindings) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    public func deleteBinding(_ access: OrgAccess, id: UUID) async throws {
        try access.require(.manageAccess)
        try await statusLists.flushRecords()
        try await client.transaction(logger: logger) { connection in
            guard let (subject, os) = try await store.deleteBinding(id: id, org: access.org.id, on: connection) else {
                throw ControlPlaneError.notFound("no binding \(id.lowercased)")
            }
            // The subject's tokens carry the role's scopes until revoked: on the binding's OS, or everywhere.
            try await statusLists.revokeSubject(subject, on: os.map { [$0] }, org: access.org.id, on: connection)
            try await audit.append(
                .init(.bindingDeleted, "binding:\(id.lowercased)"),
                org: access.org.id,
                by: access.caller.actor,
                at: now(),
                on: connection
            )
        }
    }

    /// Grants one linted scope on one OS (`manageAccess`; `grant.created` audited); 409 for a duplicate.
    public func createGrant(_ access: OrgAccess, os osID: String, subject reference: SubjectReference, scope: String) async throws
        -> ScopeGrant
    {
        try access.require(.manageAccess)
        _ = try Validation.scopes([scope])
        let os = try await find(os: osID, in: access.org)
        let subject = try await subjects.resolve(reference, in: access.org)
        let grant = ScopeGrant(id: UUID(), subject: subject, os: osID, scope: scope, createdAt: now())
        try await client.transaction(logger: logger) { connection in
            try await store.insert(grant, org: access.org.id, os: os.internalID, on: connection)
            let event = AuditEvent(
                .grantCreated,
                "grant:\(grant.id.lowercased)",
                ["subject": subject.tokenSubject, "scope": scope, "os": osID]
            )
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: grant.createdAt, on: connection)
        }
        return grant
    }

    /// A page of the grants on one OS, oldest first.
    public func listGrants(_ access: OrgAccess, os osID: String, page: PageRequest) async throws -> Page<ScopeGrant> {
        try access.require(.readAccess)
        let os = try await find(os: osID, in: access.org)
        let after = try page.after(.grants).map(ListCursor.TimeKey.init)
        let rows = try await store.grants(os: os, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .grants) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Deletes a grant of this OS (`manageAccess`); a grant id of another OS is not found here.
    public func deleteGrant(_ access: OrgAccess, os osID: String, id: UUID) async throws {
        try access.require(.manageAccess)
        let os = try await find(os: osID, in: access.org)
        try await statusLists.flushRecords()
        try await client.transaction(logger: logger) { connection in
            guard let subject = try await store.deleteGrant(id: id, os: os.internalID, on: connection) else {
                throw ControlPlaneError.notFound("no grant \(id.lowercased)")
            }
            try await statusLists.revokeSubject(subject, on: [os.internalID], org: access.org.id, on: connection)
            try await audit.append(
                .init(.grantDeleted, "grant:\(id.lowercased)"),
                org: access.org.id,
                by: access.caller.actor,
                at: now(),
                on: connection
            )
        }
    }

    func find(role slug: String, in org: Organization) async throws -> Role {
        guard let role = try await store.roles(org: org.id, slug: slug).first else {
            throw ControlPlaneError.notFound("no role '\(slug.prefix(80))'")
        }
        return role
    }

    func find(os id: String, in org: Organization) async throws -> OSInstance {
        try Validation.osID(id)
        guard let os = try await os.find(org: org.id, id: id) else { throw ControlPlaneError.notFound("no OS '\(id)' in '\(org.slug)'") }
        return os
    }

    private func mutableRole(_ access: OrgAccess, slug: String) async throws -> Role {
        let role = try await find(role: slug, in: access.org)
        guard !role.builtin else {
            throw ControlPlaneError.conflict("'\(slug)' is a built-in role and cannot be changed; create a custom role")
        }
        return role
    }
}
