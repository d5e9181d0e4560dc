import ControlPlane
import Foundation

/// An organisation's OS roles: the built-in ones and custom roles (`/v1/orgs/{org}/roles`).
extension APIHandler {
    func listRoles(_ input: Operations.ListRoles.Input) async throws -> Operations.ListRoles.Output {
        let access = try await access(input.path.org)
        let page = try await accessControl.listRoles(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(nextCursor: page.next, roles: page.items.map(Components.Schemas.Role.init)))))
    }

    func createRole(_ input: Operations.CreateRole.Input) async throws -> Operations.CreateRole.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let role = try await accessControl.createRole(
            access,
            slug: body.slug,
            name: body.name,
            description: body.description,
            scopes: body.scopes
        )
        return .created(.init(body: .json(.init(role))))
    }

    func getRole(_ input: Operations.GetRole.Input) async throws -> Operations.GetRole.Output {
        let access = try await access(input.path.org)
        return .ok(.init(body: .json(.init(try await accessControl.role(access, slug: input.path.role)))))
    }

    func replaceRoleScopes(_ input: Operations.ReplaceRoleScopes.Input) async throws -> Operations.ReplaceRoleScopes.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        return .ok(.init(body: .json(.init(try await accessControl.setRoleScopes(access, slug: input.path.role, scopes: body.scopes)))))
    }

    /// `force=true` also drops the role's bindings; without it a bound role is a 409.
    func deleteRole(_ input: Operations.DeleteRole.Input) async throws -> Operations.DeleteRole.Output {
        let access = try await access(input.path.org)
        let force = input.query.force?.text
        guard force == nil || force == "true" || force == "false" else { throw APIError.badRequest("force must be true or false") }
        try await accessControl.deleteRole(access, slug: input.path.role, force: force == "true")
        return .noContent(.init())
    }
}

extension Components.Schemas.Role {
    init(_ role: Role) {
        self.init(builtin: role.builtin, description: role.description, name: role.name, scopes: role.scopes, slug: role.slug)
    }
}
