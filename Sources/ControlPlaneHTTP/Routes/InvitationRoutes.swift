import ControlPlane
import Foundation
import Hummingbird

/// `POST /v1/invitations/accept` (the invited account); an organisation's invitations are served
/// by the generated protocol (`APIHandler+Members.swift`). Accepting stays hand-written: it is
/// public and may deliver the console's cookie.
struct InvitationRoutes {
    let invitations: Invitations
    let authentication: Authentication
    let cookies: CookieSessions

    /// Accepting is reachable without a credential (a new account has none yet); with one, it
    /// must be the invited account's own.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/invitations/lookup") { request, context in
            let body = try await request.decodeJSON(Components.Schemas.InvitationLookupRequest.self, context: context)
            let preview = try await invitations.lookup(code: body.code)
            return try JSONResponse(
                Components.Schemas.InvitationPreview(
                    email: preview.email,
                    expiresAt: preview.expiresAt,
                    organization: .init(name: preview.organizationName, slug: preview.organizationSlug),
                    role: preview.role
                )
            )
        }
        router.post("/v1/invitations/accept") { request, context in
            let body = try await request.decodeJSON(Components.Schemas.AcceptInvitationRequest.self, context: context)
            _ = try cookies.wantsCookie(request)  // a cross-origin cookie redemption is refused before the code is spent
            let credential: String?
            if let header = request.headers[.authorization] {
                guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                    throw APIError.unauthorized("send Authorization: Bearer <session> or no credential at all")
                }
                credential = String(header.dropFirst(7))
            } else {
                credential = try cookies.credential(request)
            }
            if let credential {
                let caller = try await authentication.authenticate(bearer: credential)
                guard body.name == nil, body.password == nil else {
                    throw APIError.badRequest("signed in: send only the code (an existing account keeps its password)")
                }
                let joined = try await invitations.accept(code: body.code, caller: caller)
                return try JSONResponse(Components.Schemas.Accepted(organization: .init(joined.org), role: joined.role.rawValue))
            }
            guard let name = body.name, let password = body.password else {
                throw APIError.badRequest(
                    "a new account sends name and password with the code; an existing account signs in and sends only the code"
                )
            }
            let (joined, session) = try await invitations.accept(code: body.code, name: name, password: password)
            return try cookies.deliver(session, request: request, status: .created) { token in
                Components.Schemas.Accepted(
                    expiresAt: session.expiresAt,
                    organization: .init(joined.org),
                    role: joined.role.rawValue,
                    token: token
                )
            }
        }
    }
}
