import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/members`.
struct MemberRoutes {
    let organizations: Organizations
    let members: Members

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs/{org}/members") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(AddMemberRequest.self, context: context)
            // Refused rather than ignored, so a client that still sends one learns why it has no effect.
            if body.password != nil {
                throw APIError.badRequest(
                    "password is not accepted: nobody sets another person's password; the member chooses one when redeeming the invitation"
                )
            }
            let (member, code) = try await members.add(access, email: body.email, name: body.name, role: try parseRole(body.role))
            return try JSONResponse(InvitedMemberDTO(member, code), status: .created, headers: .noStore)
        }
        group.get("/orgs/{org}/members") { _, context in
            try JSONResponse(["members": try await members.list(try await context.access(organizations)).map(MemberDTO.init)]
            )
        }
        group.patch("/orgs/{org}/members/{user}") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(UpdateMemberRequest.self, context: context)
            guard body.role != nil || body.disabled != nil else { throw APIError.badRequest("give role and/or disabled") }
            let member = try await members.update(
                access,
                user: try context.parameters.require("user"),
                role: try body.role.map(parseRole),
                disabled: body.disabled
            )
            return try JSONResponse(MemberDTO(member))
        }
        group.delete("/orgs/{org}/members/{user}") { _, context in
            try await members.remove(try await context.access(organizations), user: try context.parameters.require("user"))
            return Response(status: .noContent)
        }
    }
}
