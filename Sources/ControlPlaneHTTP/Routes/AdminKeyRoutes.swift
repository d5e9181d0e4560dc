import ControlPlane
import Foundation
import Hummingbird

/// `/v1/admin/keys`: superuser keys, managed by a superuser key (a leaked `admin.key` is revoked here).
struct AdminKeyRoutes {
    let authentication: Authentication

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/admin/keys") { request, context in
            let body = try await request.decodeJSON(CreateAPIKeyRequest.self, context: context)
            let (info, key) = try await authentication.createSuperuserKey(
                try context.requireCaller(),
                name: body.name,
                expiresInDays: body.expires_in_days
            )
            return try JSONResponse(APIKeyDTO(info, key: key), status: .created, headers: .noStore)
        }
        group.get("/admin/keys") { _, context in
            let keys = try await authentication.listSuperuserKeys(try context.requireCaller())
            return try JSONResponse(["keys": keys.map { APIKeyDTO($0) }])
        }
        group.delete("/admin/keys/{id}") { _, context in
            let id = try parseUUID(try context.parameters.require("id"), "id")
            try await authentication.revokeSuperuserKey(try context.requireCaller(), id: id)
            return Response(status: .noContent)
        }
    }
}
