import ControlPlane
import Foundation

/// `/v1/admin/keys` (superuser keys, managed by a superuser key: a leaked `admin.key` is revoked
/// here) and `/v1/api-keys` (the calling user's own keys). New keys are shown once (`no-store`).
extension APIHandler {
    func listSuperuserKeys(_ input: Operations.ListSuperuserKeys.Input) async throws -> Operations.ListSuperuserKeys.Output {
        let caller = try RequestScope.current.requireCaller()
        let page = try await authentication.listSuperuserKeys(caller, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(keys: page.items.map { Components.Schemas.APIKey($0) }, nextCursor: page.next))))
    }

    func createSuperuserKey(_ input: Operations.CreateSuperuserKey.Input) async throws -> Operations.CreateSuperuserKey.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let (info, key) = try await authentication.createSuperuserKey(
            try RequestScope.current.requireCaller(),
            name: body.name,
            expiresInDays: body.expiresInDays
        )
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(info, key: key))))
    }

    func revokeSuperuserKey(_ input: Operations.RevokeSuperuserKey.Input) async throws -> Operations.RevokeSuperuserKey.Output {
        try await authentication.revokeSuperuserKey(try RequestScope.current.requireCaller(), id: try parseUUID(input.path.id, "id"))
        return .noContent(.init())
    }

    func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        let caller = try RequestScope.current.requireCaller()
        let page = try await authentication.listAPIKeys(caller, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(apiKeys: page.items.map { Components.Schemas.APIKey($0) }, nextCursor: page.next))))
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let (info, key) = try await authentication.createAPIKey(
            try RequestScope.current.requireCaller(),
            name: body.name,
            expiresInDays: body.expiresInDays
        )
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(info, key: key))))
    }

    func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        try await authentication.deleteAPIKey(try RequestScope.current.requireCaller(), id: try parseUUID(input.path.id, "id"))
        return .noContent(.init())
    }
}

extension Components.Schemas.APIKey {
    /// `key` only in the answer that creates it.
    init(_ info: APIKeyInfo, key: String? = nil) {
        self.init(
            createdAt: info.createdAt,
            expiresAt: info.expiresAt,
            id: info.id.uuidString.lowercased(),
            key: key,
            name: info.name,
            prefix: info.prefix
        )
    }
}
