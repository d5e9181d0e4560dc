import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs` and the audit trail.
struct OrganizationRoutes {
    let organizations: Organizations
    let audit: AuditTrail

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs") { request, context in
            let caller = try context.requireCaller()
            let body = try await request.decodeJSON(CreateOrganizationRequest.self, context: context)
            let org = try await organizations.create(by: caller, slug: body.slug, name: body.name)
            return try JSONResponse(OrganizationDTO(org), status: .created)
        }
        group.get("/orgs") { _, context in
            try JSONResponse(["organizations": try await organizations.list(for: try context.requireCaller()).map(OrganizationDTO.init)])
        }
        group.get("/orgs/{org}") { _, context in
            try JSONResponse(OrganizationDTO(try organizations.get(try await context.access(organizations))))
        }
        group.patch("/orgs/{org}") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(UpdateOrganizationRequest.self, context: context)
            return try JSONResponse(OrganizationDTO(try await organizations.update(access, requireMFA: body.require_mfa)))
        }
        group.delete("/orgs/{org}") { _, context in
            try await organizations.delete(try await context.access(organizations))
            return Response(status: .noContent)
        }
        group.get("/orgs/{org}/audit") { request, context in
            let access = try await context.access(organizations)
            guard let limit = Int(request.uri.queryParameters.get("limit") ?? "50") else {
                throw APIError.badRequest("limit must be 1-500")
            }
            var before: Int64?
            if let text = request.uri.queryParameters.get("before") {
                guard let value = Int64(text) else { throw APIError.badRequest("before must be a positive sequence number") }
                before = value
            }
            let events = try await audit.list(access, limit: limit, before: before)
            return try JSONResponse(["events": events.map(AuditEventDTO.init)])
        }
        group.get("/orgs/{org}/audit/verify") { _, context in
            let report = try await audit.verify(try await context.access(organizations))
            return try JSONResponse(
                AuditVerificationDTO(
                    verified: report.firstBroken == nil,
                    events: report.events,
                    broken_at: report.firstBroken.map(AuditEventDTO.init)
                )
            )
        }
    }
}
