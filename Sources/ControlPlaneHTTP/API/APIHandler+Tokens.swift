import ControlPlane
import Foundation

/// Access tokens for an OS, issued for the caller or (by an admin, an owner, the superuser key or a
/// token-broker service account) for someone else, and
/// their revocation (the status list records it). The OAuth token endpoint stays hand-written
/// (`OAuthRoutes`, docs/decisions.md).
extension APIHandler {
    func issueToken(_ input: Operations.IssueToken.Input) async throws -> Operations.IssueToken.Output {
        // A body left out is `{}` by now (GeneratedHandlerAdapter): a token for the caller itself.
        let body: Operations.IssueToken.Input.Body.JsonPayload
        switch input.body {
        case .json(let payload): body = payload
        case nil: body = .init()
        }
        let (org, os) = (input.path.org, input.path.os)
        let token = try await tokens.issue(
            try RequestScope.current.requireCaller(),
            org: org,
            os: os,
            request: .init(subject: body.subject, scopes: body.scopes, ttlSeconds: body.ttlSeconds, sessionID: body.sessionId)
        )
        metrics.tokenIssued(algorithm: token.algorithm, grant: "api")
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(token))))
    }

    func revokeTokens(_ input: Operations.RevokeTokens.Input) async throws -> Operations.RevokeTokens.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let revocation: TokenRevocation
        switch (body.jti, body.token, body.subject) {
        case (let jti?, nil, nil): revocation = .jti(jti)
        case (nil, let token?, nil): revocation = .token(token)
        case (nil, nil, let subject?): revocation = .subject(subject)
        default: throw APIError.badRequest("give exactly one of jti, token and subject")
        }
        let count = try await statusLists.revoke(access, os: input.path.os, revocation)
        return .ok(.init(body: .json(.init(revoked: count))))
    }
}

extension Components.Schemas.Token {
    init(_ token: IssuedToken) {
        self.init(
            accessToken: token.accessToken,
            expiresAt: token.expiresAt,
            expiresIn: token.expiresIn,
            jti: token.jti,
            kid: token.kid,
            scopes: token.scopes,
            tokenType: .bearer
        )
    }
}
