import ControlPlane
import Foundation
import Hummingbird

/// The audit trail of each organisation and the system audit chain (`/v1/orgs` itself is
/// served by the generated protocol, `APIHandler+Organizations.swift`).
struct OrganizationRoutes {
    let organizations: Organizations
    let audit: AuditTrail

    func register(on group: RouterGroup<APIRequestContext>) {
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
