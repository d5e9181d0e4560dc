import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs`, the audit trail of each organisation and the system audit chain.
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
            let (limit, before) = try Self.paging(request)
            let events = try await audit.list(access, limit: limit, before: before)
            return try JSONResponse(["events": events.map(AuditEventDTO.init)])
        }
        group.get("/orgs/{org}/audit/verify") { request, context in
            let access = try await context.access(organizations)
            let report = try await audit.verify(access, expectedHead: try Self.expectedHead(request))
            return try JSONResponse(AuditVerificationDTO(report))
        }
        group.get("/audit") { request, context in
            let (limit, before) = try Self.paging(request)
            let events = try await audit.listSystem(try context.requireCaller(), limit: limit, before: before)
            return try JSONResponse(["events": events.map(AuditEventDTO.init)])
        }
        group.get("/audit/verify") { request, context in
            let report = try await audit.verifySystem(try context.requireCaller(), expectedHead: try Self.expectedHead(request))
            return try JSONResponse(AuditVerificationDTO(report))
        }
    }

    static func paging(_ request: Request) throws -> (limit: Int, before: Int64?) {
        guard let limit = Int(request.uri.queryParameters.get("limit") ?? "50") else {
            throw APIError.badRequest("limit must be 1-500")
        }
        var before: Int64?
        if let text = request.uri.queryParameters.get("before") {
            guard let value = Int64(text) else { throw APIError.badRequest("before must be a positive sequence number") }
            before = value
        }
        return (limit, before)
    }

    /// `expect_head=seq:mac`: a head pinned earlier, which the chain must still hold.
    static func expectedHead(_ request: Request) throws -> AuditHead? {
        try request.uri.queryParameters.get("expect_head").map { try AuditHead(parsing: $0) }
    }
}
