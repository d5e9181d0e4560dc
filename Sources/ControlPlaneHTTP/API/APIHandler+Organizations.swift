import ControlPlane
import Foundation

/// `/v1/orgs` and `/v1/orgs/{org}`.
extension APIHandler {
    func listOrganizations(_ input: Operations.ListOrganizations.Input) async throws -> Operations.ListOrganizations.Output {
        let caller = try RequestScope.current.requireCaller()
        let page = try await organizations.list(for: caller, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(nextCursor: page.next, organizations: page.items.map(Components.Schemas.Organization.init)))))
    }

    func createOrganization(_ input: Operations.CreateOrganization.Input) async throws -> Operations.CreateOrganization.Output {
        let caller = try RequestScope.current.requireCaller()
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let org = try await organizations.create(by: caller, slug: body.slug, name: body.name)
        return .created(.init(body: .json(.init(org))))
    }

    func getOrganization(_ input: Operations.GetOrganization.Input) async throws -> Operations.GetOrganization.Output {
        let access = try await access(input.path.org)
        return .ok(.init(body: .json(.init(try organizations.get(access)))))
    }

    func updateOrganization(_ input: Operations.UpdateOrganization.Input) async throws -> Operations.UpdateOrganization.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        return .ok(.init(body: .json(.init(try await organizations.update(access, name: body.name, requireMFA: body.requireMfa)))))
    }

    func deleteOrganization(_ input: Operations.DeleteOrganization.Input) async throws -> Operations.DeleteOrganization.Output {
        try await organizations.delete(try await access(input.path.org))
        return .noContent(.init())
    }
}

extension Components.Schemas.Organization {
    init(_ org: Organization) {
        self.init(createdAt: org.createdAt, id: org.id.uuidString.lowercased(), name: org.name, requireMfa: org.requireMFA, slug: org.slug)
    }
}
