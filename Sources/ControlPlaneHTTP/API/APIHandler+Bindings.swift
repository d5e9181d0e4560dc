import ControlPlane
import Foundation

/// Role bindings (a role for a member or service account, organisation-wide or on one OS) and
/// per-OS grants of single scopes.
extension APIHandler {
    func listRoleBindings(_ input: Operations.ListRoleBindings.Input) async throws -> Operations.ListRoleBindings.Output {
        let access = try await access(input.path.org)
        let page = try await accessControl.listBindings(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(nextCursor: page.next, roleBindings: page.items.map(Components.Schemas.RoleBinding.init)))))
    }

    func createRoleBinding(_ input: Operations.CreateRoleBinding.Input) async throws -> Operations.CreateRoleBinding.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let subject = try SubjectBody(user: body.subject.user, service_account: body.subject.serviceAccount).reference()
        let binding = try await accessControl.createBinding(access, subject: subject, role: body.role, os: body.os)
        return .created(.init(body: .json(.init(binding))))
    }

    func deleteRoleBinding(_ input: Operations.DeleteRoleBinding.Input) async throws -> Operations.DeleteRoleBinding.Output {
        let access = try await access(input.path.org)
        try await accessControl.deleteBinding(access, id: try parseUUID(input.path.id, "binding id"))
        return .noContent(.init())
    }

    func listGrants(_ input: Operations.ListGrants.Input) async throws -> Operations.ListGrants.Output {
        let access = try await access(input.path.org)
        let page = try await accessControl.listGrants(access, os: input.path.os, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(grants: page.items.map(Components.Schemas.Grant.init), nextCursor: page.next))))
    }

    func createGrant(_ input: Operations.CreateGrant.Input) async throws -> Operations.CreateGrant.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let subject = try SubjectBody(user: body.subject.user, service_account: body.subject.serviceAccount).reference()
        let grant = try await accessControl.createGrant(access, os: input.path.os, subject: subject, scope: body.scope)
        return .created(.init(body: .json(.init(grant))))
    }

    func deleteGrant(_ input: Operations.DeleteGrant.Input) async throws -> Operations.DeleteGrant.Output {
        let access = try await access(input.path.org)
        try await accessControl.deleteGrant(access, os: input.path.os, id: try parseUUID(input.path.id, "grant id"))
        return .noContent(.init())
    }
}

extension Components.Schemas.Subject {
    init(_ subject: Subject) {
        self.init(
            id: subject.id.uuidString.lowercased(),
            label: subject.label,
            // The token `sub` this subject gets.
            sub: subject.tokenSubject,
            _type: subject.kind == .user ? .user : .serviceAccount
        )
    }
}

extension Components.Schemas.RoleBinding {
    init(_ binding: RoleBinding) {
        self.init(
            createdAt: binding.createdAt,
            id: binding.id.uuidString.lowercased(),
            os: binding.os,
            role: binding.role,
            subject: .init(binding.subject)
        )
    }
}

extension Components.Schemas.Grant {
    init(_ grant: ScopeGrant) {
        self.init(
            createdAt: grant.createdAt,
            id: grant.id.uuidString.lowercased(),
            os: grant.os,
            scope: grant.scope,
            subject: .init(grant.subject)
        )
    }
}
