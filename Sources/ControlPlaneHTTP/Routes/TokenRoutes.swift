import ControlPlane
import Foundation
import Hummingbird

/// Token issuance and revocation (service accounts are served by the generated protocol,
/// `APIHandler+ServiceAccounts.swift`).
struct TokenRoutes {
    let organizations: Organizations
    let tokens: TokenIssuer
    let statusLists: StatusLists
    let metrics: ControlPlaneMetrics

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs/{org}/os/{os}/tokens") { request, context in
            let body = try await request.decodeJSON(IssueTokenRequest.self, context: context, emptyAllowed: true)
            let token = try await tokens.issue(
                try context.requireCaller(),
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os"),
                request: .init(subject: body.subject, scopes: body.scopes, ttlSeconds: body.ttl_seconds, sessionID: body.session_id)
            )
            metrics.tokenIssued(
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os"),
                algorithm: token.algorithm,
                grant: "api"
            )
            return try JSONResponse(TokenDTO(token), status: .created, headers: [.cacheControl: "no-store"])
        }
        group.post("/orgs/{org}/os/{os}/token-revocations") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(RevokeTokensRequest.self, context: context)
            let revocation: TokenRevocation
            switch (body.jti, body.token, body.subject) {
            case (let jti?, nil, nil): revocation = .jti(jti)
            case (nil, let token?, nil): revocation = .token(token)
            case (nil, nil, let subject?): revocation = .subject(subject)
            default: throw APIError.badRequest("give exactly one of jti, token and subject")
            }
            let count = try await statusLists.revoke(access, os: try context.parameters.require("os"), revocation)
            return try JSONResponse(["revoked": count])
        }
    }
}
