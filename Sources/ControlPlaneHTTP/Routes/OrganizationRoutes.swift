import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs` and the audit trail.
struct OrganizationRoutes {
    let service: ControlPlaneService

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs") { request, context in
            let caller = try context.requireCaller()
            let body = try await request.decodeJSON(CreateOrganizationRequest.self, context: context)
            let org = try await service.createOrganization(slug: body.slug, name: body.name, actor: caller.actor)
            return try JSONResponse(OrganizationDTO(org), status: .created)
        }
        group.get("/orgs") { _, _ in
            try JSONResponse(["organizations": try await service.listOrganizations().map(OrganizationDTO.init)])
        }
        group.get("/orgs/{org}") { _, context in
            try JSONResponse(OrganizationDTO(try await service.organization(try context.parameters.require("org"))))
        }
        group.get("/orgs/{org}/audit") { request, context in
            let org = try await service.organization(try context.parameters.require("org"))
            let limitText = request.uri.queryParameters.get("limit") ?? "50"
            guard let limit = Int(limitText), (1...500).contains(limit) else { throw APIError.badRequest("limit must be 1-500") }
            var before: Int64?
            if let text = request.uri.queryParameters.get("before") {
                guard let value = Int64(text), value > 0 else { throw APIError.badRequest("before must be a positive sequence number") }
                before = value
            }
            let events = try await AuditLog.list(service.client, org: org.id, limit: limit, before: before, logger: context.logger)
            return try JSONResponse(["events": events.map(AuditEventDTO.init)])
        }
    }
}
