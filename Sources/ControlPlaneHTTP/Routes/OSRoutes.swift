import AgentOSAuth
import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/os…`: the registry, authorization, keys and security keys.
struct OSRoutes {
    let organizations: Organizations
    let osRegistry: OSRegistry
    let signingKeys: SigningKeys

    static func algorithm(_ name: String?) throws -> SigningAlgorithm {
        guard let name else { return .rs256 }
        guard let algorithm = SigningAlgorithm(name: name) else {
            throw APIError.badRequest("unknown algorithm '\(name.prefix(20))'; allowed: RS256, ES256, EdDSA")
        }
        return algorithm
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs/{org}/os") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(RegisterOSRequest.self, context: context)
            let registration = try await osRegistry.register(
                access,
                id: body.id,
                name: body.name,
                url: body.url,
                authorization: body.authorization ?? true,
                algorithm: try Self.algorithm(body.algorithm),
                rotationPeriod: body.rotation_period
            )
            return try JSONResponse(RegistrationDTO(registration), status: .created)
        }
        group.get("/orgs/{org}/os") { _, context in
            try JSONResponse(["os": try await osRegistry.list(try await context.access(organizations)).map(OSDTO.init)])
        }
        group.get("/orgs/{org}/os/{os}") { _, context in
            let access = try await context.access(organizations)
            return try JSONResponse(OSDTO(try await osRegistry.get(access, id: try context.parameters.require("os"))))
        }
        group.patch("/orgs/{org}/os/{os}") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(UpdateOSRequest.self, context: context)
            let os = try await osRegistry.update(
                access,
                id: try context.parameters.require("os"),
                name: body.name,
                url: body.url.map { Optional($0) },
                rolesClaim: body.roles_claim,
                rotationPeriod: body.rotation_period
            )
            return try JSONResponse(OSDTO(os))
        }
        group.delete("/orgs/{org}/os/{os}") { _, context in
            try await osRegistry.delete(try await context.access(organizations), id: try context.parameters.require("os"))
            return Response(status: .noContent)
        }
        group.post("/orgs/{org}/os/{os}/authorization") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(AlgorithmRequest.self, context: context, emptyAllowed: true)
            let registration = try await osRegistry.enableAuthorization(
                access,
                os: try context.parameters.require("os"),
                algorithm: try Self.algorithm(body.algorithm)
            )
            return try JSONResponse(RegistrationDTO(registration), status: registration.created ? .created : .ok)
        }
        group.get("/orgs/{org}/os/{os}/keys") { _, context in
            let keys = try await signingKeys.list(try await context.access(organizations), os: try context.parameters.require("os"))
            return try JSONResponse(["keys": keys.map(KeyListItemDTO.init)])
        }
        group.post("/orgs/{org}/os/{os}/keys") { request, context in
            let access = try await context.access(organizations)
            let body = try await request.decodeJSON(CreateKeyRequest.self, context: context, emptyAllowed: true)
            let key = try await signingKeys.create(
                access,
                os: try context.parameters.require("os"),
                algorithm: try Self.algorithm(body.algorithm),
                activate: body.activate ?? false
            )
            return try JSONResponse(KeyListItemDTO(key), status: .created)
        }
        let keyTransitions: [(String, @Sendable (OrgAccess, String, String) async throws -> SigningKeyInfo)] = [
            ("activate", signingKeys.activate(_:os:kid:)),
            ("revoke", signingKeys.revoke(_:os:kid:)),
        ]
        for (verb, transition) in keyTransitions {
            group.post("/orgs/{org}/os/{os}/keys/{kid}/\(verb)") { _, context in
                let key = try await transition(
                    try await context.access(organizations),
                    try context.parameters.require("os"),
                    try context.parameters.require("kid")
                )
                return try JSONResponse(KeyListItemDTO(key))
            }
        }
        group.post("/orgs/{org}/os/{os}/security-key") { _, context in
            let key = try await osRegistry.rotateSecurityKey(
                try await context.access(organizations),
                os: try context.parameters.require("os")
            )
            return try JSONResponse(["security_key": key], status: .created, headers: [.cacheControl: "no-store"])
        }
    }
}
