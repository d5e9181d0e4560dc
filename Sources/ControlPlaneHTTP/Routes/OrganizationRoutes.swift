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
            switch caller.identity {
            case .superuser, .user: break
            case .serviceAccount: throw APIError.forbidden("service accounts cannot create organisations")
            }
            let org = try await service.createOrganization(slug: body.slug, name: body.name, actor: caller.actor, owner: caller.userID)
            return try JSONResponse(OrganizationDTO(org), status: .created)
        }
        group.get("/orgs") { _, context in
            try JSONResponse([
                "organizations": try await service.listOrganizations(for: try context.requireCaller()).map(OrganizationDTO.init)
            ])
        }
        group.get("/orgs/{org}") { _, context in
            try JSONResponse(OrganizationDTO(try await context.access(service, .readOrg).org))
        }
        group.delete("/orgs/{org}") { _, context in
            try await service.deleteOrganization(try await context.access(service, .deleteOrg))
            return Response(status: .noContent)
        }
        group.get("/orgs/{org}/audit") { request, context in
            let org = try await context.access(service, .readAudit).org
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
        group.get("/orgs/{org}/audit/verify") { _, context in
            let org = try await context.access(service, .readAudit).org
            let report = try await AuditLog.verifyChain(service.client, org: org.id, logger: context.logger)
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
