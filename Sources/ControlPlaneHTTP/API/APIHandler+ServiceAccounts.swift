import ControlPlane
import Foundation

/// An organisation's service accounts (`/v1/orgs/{org}/service-accounts…`). A new account's
/// secret is shown once (`no-store`).
extension APIHandler {
    func listServiceAccounts(_ input: Operations.ListServiceAccounts.Input) async throws -> Operations.ListServiceAccounts.Output {
        let access = try await access(input.path.org)
        let page = try await serviceAccounts.list(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(
            .init(body: .json(.init(nextCursor: page.next, serviceAccounts: page.items.map { Components.Schemas.ServiceAccount($0) })))
        )
    }

    func createServiceAccount(_ input: Operations.CreateServiceAccount.Input) async throws -> Operations.CreateServiceAccount.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let (account, secret) = try await serviceAccounts.create(access, name: body.name, tokenBroker: body.tokenBroker ?? false)
        // Only Cache-Control here, as this answer always had (no Pragma, unlike the other secrets).
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(account, secret: secret))))
    }

    func revokeServiceAccount(_ input: Operations.RevokeServiceAccount.Input) async throws -> Operations.RevokeServiceAccount.Output {
        let access = try await access(input.path.org)
        try await serviceAccounts.revoke(access, id: try parseUUID(input.path.id, "service account id"))
        return .noContent(.init())
    }
}

extension Components.Schemas.ServiceAccount {
    /// `client_secret` only in the answer that creates the account.
    init(_ account: ServiceAccount, secret: String? = nil) {
        self.init(
            clientId: account.clientID,
            clientSecret: secret,
            createdAt: account.createdAt,
            id: account.id.uuidString.lowercased(),
            name: account.name,
            revokedAt: account.revokedAt,
            tokenBroker: account.tokenBroker
        )
    }
}
