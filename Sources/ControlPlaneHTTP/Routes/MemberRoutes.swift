import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/members`.
struct MemberRoutes {
    let service: ControlPlaneService

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs/{org}/members") { request, context in
            let access = try await context.access(service, .manageMembers)
            let body = try await request.decodeJSON(AddMemberRequest.self, context: context)
            let member = try await service.addMember(
                access,
                email: body.email,
                name: body.name,
                role: try parseRole(body.role),
                password: body.password
            )
            return try JSONResponse(MemberDTO(member), status: .created)
        }
        group.get("/orgs/{org}/members") { _, context in
            try JSONResponse(["members": try await service.listMembers(try await context.access(service, .readMembers)).map(MemberDTO.init)]
            )
        }
        group.patch("/orgs/{org}/members/{user}") { request, context in
            let access = try await context.access(service, .manageMembers)
            let body = try await request.decodeJSON(UpdateMemberRequest.self, context: context)
            guard body.role != nil || body.disabled != nil else { throw APIError.badRequest("give role and/or disabled") }
            let member = try await service.updateMember(
                access,
                user: try context.parameters.require("user"),
                role: try body.role.map(parseRole),
                disabled: body.disabled
            )
            return try JSONResponse(MemberDTO(member))
        }
        group.delete("/orgs/{org}/members/{user}") { _, context in
            try await service.removeMember(try await context.access(service, .manageMembers), user: try context.parameters.require("user"))
            return Response(status: .noContent)
        }
    }
}
