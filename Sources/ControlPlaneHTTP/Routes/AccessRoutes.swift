import ControlPlane
import Foundation
import Hummingbird

/// Deleting a role, effective access and explain (roles, bindings and grants are otherwise served
/// by the generated protocol, `APIHandler+Roles.swift` and `APIHandler+Bindings.swift`).
struct AccessRoutes {
    let organizations: Organizations
    let accessControl: AccessControl

    func register(on group: RouterGroup<APIRequestContext>) {
        group.delete("/orgs/{org}/roles/{role}") { request, context in
            let access = try await context.access(organizations)
            let force = request.uri.queryParameters.get("force")
            guard force == nil || force == "true" || force == "false" else { throw APIError.badRequest("force must be true or false") }
            try await accessControl.deleteRole(access, slug: try context.parameters.require("role"), force: force == "true")
            return Response(status: .noContent)
        }

        group.get("/orgs/{org}/os/{os}/access") { request, context in
            let access = try await context.access(organizations)
            let user = request.uri.queryParameters.get("user")
            let account = request.uri.queryParameters.get("service_account")
            let reference = try SubjectBody(user: user.map { String($0) }, service_account: account.map { String($0) }).reference()
            let effective = try await accessControl.effectiveAccess(access, os: try context.parameters.require("os"), subject: reference)
            return try JSONResponse(AccessDTO(effective))
        }
        group.post("/orgs/{org}/os/{os}/explain") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(ExplainRequest.self, context: context)
            let explanation = try await accessControl.explain(
                access,
                os: try context.parameters.require("os"),
                subject: try body.subject?.reference(),
                token: body.token,
                method: body.method,
                path: body.path
            )
            return try JSONResponse(ExplainDTO(explanation))
        }
    }
}
