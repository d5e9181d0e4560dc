import ControlPlane
import Foundation
import Hummingbird

/// Deleting a role, role bindings, per-OS grants, effective access and explain (the other role
/// operations are served by the generated protocol, `APIHandler+Roles.swift`).
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

        group.post("/orgs/{org}/role-bindings") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(CreateBindingRequest.self, context: context)
            let binding = try await accessControl.createBinding(access, subject: try body.subject.reference(), role: body.role, os: body.os)
            return try JSONResponse(BindingDTO(binding), status: .created)
        }
        group.get("/orgs/{org}/role-bindings") { _, context in
            try JSONResponse([
                "role_bindings": try await accessControl.listBindings(try await context.access(organizations)).map(BindingDTO.init)
            ])
        }
        group.delete("/orgs/{org}/role-bindings/{id}") { _, context in
            let access = try await context.access(organizations)
            try await accessControl.deleteBinding(access, id: try parseUUID(try context.parameters.require("id"), "binding id"))
            return Response(status: .noContent)
        }

        group.post("/orgs/{org}/os/{os}/grants") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(CreateGrantRequest.self, context: context)
            let grant = try await accessControl.createGrant(
                access,
                os: try context.parameters.require("os"),
                subject: try body.subject.reference(),
                scope: body.scope
            )
            return try JSONResponse(GrantDTO(grant), status: .created)
        }
        group.get("/orgs/{org}/os/{os}/grants") { _, context in
            let access = try await context.access(organizations)
            return try JSONResponse([
                "grants": try await accessControl.listGrants(access, os: try context.parameters.require("os")).map(GrantDTO.init)
            ])
        }
        group.delete("/orgs/{org}/os/{os}/grants/{id}") { _, context in
            let access = try await context.access(organizations)
            try await accessControl.deleteGrant(
                access,
                os: try context.parameters.require("os"),
                id: try parseUUID(try context.parameters.require("id"), "grant id")
            )
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
