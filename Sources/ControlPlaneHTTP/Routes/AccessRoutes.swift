import ControlPlane
import Foundation
import Hummingbird

/// Deleting a role (roles, bindings, grants, effective access and explain are otherwise served by
/// the generated protocol, `APIHandler+Roles.swift`, `APIHandler+Bindings.swift` and
/// `APIHandler+Access.swift`).
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
    }
}
