import ControlPlane
import Foundation
import Hummingbird

/// `GET`/`POST /v1/setup`: the first organisation and owner of a fresh control plane, with the
/// code of the link `serve` printed (docs/security.md, "The first owner comes from the
/// terminal"). Hand-written: public, and it may deliver the console's cookie.
struct SetupRoutes {
    let setup: Setup
    let cookies: CookieSessions

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/setup") { _, _ in
            try JSONResponse(Components.Schemas.SetupStatus(open: try await setup.isOpen()))
        }
        router.post("/v1/setup") { request, context in
            let body = try await request.decodeJSON(Components.Schemas.SetupRequest.self, context: context)
            _ = try cookies.wantsCookie(request)  // a cross-origin cookie delivery is refused before the code is spent
            let done = try await setup.complete(
                code: body.code,
                slug: body.organization.slug,
                organizationName: body.organization.name,
                email: body.email,
                name: body.name,
                password: body.password
            )
            return try cookies.deliver(done.session, request: request, status: .created) { token in
                Components.Schemas.Accepted(
                    expiresAt: done.session.expiresAt,
                    organization: .init(done.organization),
                    role: OrgRole.owner.rawValue,
                    token: token
                )
            }
        }
    }
}
