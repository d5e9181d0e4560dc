import AgentOSAuth
import ControlPlane
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/os…`: the registry, authorization, keys and security keys.
struct OSRoutes {
    let service: ControlPlaneService

    static func algorithm(_ name: String?) throws -> SigningAlgorithm {
        guard let name else { return .rs256 }
        guard let algorithm = SigningAlgorithm(name: name) else {
            throw APIError.badRequest("unknown algorithm '\(name.prefix(20))'; allowed: RS256, ES256, EdDSA")
        }
        return algorithm
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/orgs/{org}/os") { request, context in
            let caller = try await context.access(service, .writeOS).caller
            let body = try await request.decodeJSON(RegisterOSRequest.self, context: context)
            let registration = try await service.registerOS(
                org: try context.parameters.require("org"),
                id: body.id,
                name: body.name,
                url: body.url,
                authorization: body.authorization ?? true,
                algorithm: try Self.algorithm(body.algorithm),
                actor: caller.actor
            )
            return try JSONResponse(RegistrationDTO(registration), status: .created)
        }
        group.get("/orgs/{org}/os") { _, context in
            let org = try await context.access(service, .readOS).org
            return try JSONResponse(["os": try await service.listOS(org).map(OSDTO.init)])
        }
        group.get("/orgs/{org}/os/{os}") { _, context in
            _ = try await context.access(service, .readOS)
            return try JSONResponse(
                OSDTO(try await service.osInstance(org: try context.parameters.require("org"), id: try context.parameters.require("os")))
            )
        }
        group.patch("/orgs/{org}/os/{os}") { request, context in
            let caller = try await context.access(service, .writeOS).caller
            let body = try await request.decodeJSON(UpdateOSRequest.self, context: context)
            let os = try await service.updateOS(
                org: try context.parameters.require("org"),
                id: try context.parameters.require("os"),
                name: body.name,
                url: body.url.map { Optional($0) },
                actor: caller.actor
            )
            return try JSONResponse(OSDTO(os))
        }
        group.delete("/orgs/{org}/os/{os}") { _, context in
            let caller = try await context.access(service, .deleteOS).caller
            try await service.deleteOS(
                org: try context.parameters.require("org"),
                id: try context.parameters.require("os"),
                actor: caller.actor
            )
            return Response(status: .noContent)
        }
        group.post("/orgs/{org}/os/{os}/authorization") { request, context in
            let caller = try await context.access(service, .manageKeys).caller
            let body = try await request.decodeJSON(AlgorithmRequest.self, context: context, emptyAllowed: true)
            let registration = try await service.enableAuthorization(
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os"),
                algorithm: try Self.algorithm(body.algorithm),
                actor: caller.actor
            )
            return try JSONResponse(RegistrationDTO(registration), status: registration.created ? .created : .ok)
        }
        group.get("/orgs/{org}/os/{os}/keys") { _, context in
            _ = try await context.access(service, .readOS)
            let keys = try await service.keys(org: try context.parameters.require("org"), os: try context.parameters.require("os"))
            return try JSONResponse(["keys": keys.map(KeyListItemDTO.init)])
        }
        group.post("/orgs/{org}/os/{os}/keys") { request, context in
            let caller = try await context.access(service, .manageKeys).caller
            let body = try await request.decodeJSON(CreateKeyRequest.self, context: context, emptyAllowed: true)
            let key = try await service.createKey(
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os"),
                algorithm: try Self.algorithm(body.algorithm),
                activate: body.activate ?? false,
                actor: caller.actor
            )
            return try JSONResponse(KeyListItemDTO(key), status: .created)
        }
        let keyTransitions: [(String, @Sendable (String, String, String, Actor) async throws -> SigningKeyInfo)] = [
            ("activate", service.activateKey(org:os:kid:actor:)),
            ("revoke", service.revokeKey(org:os:kid:actor:)),
        ]
        for (verb, transition) in keyTransitions {
            group.post("/orgs/{org}/os/{os}/keys/{kid}/\(verb)") { _, context in
                let caller = try await context.access(service, .manageKeys).caller
                let key = try await transition(
                    try context.parameters.require("org"),
                    try context.parameters.require("os"),
                    try context.parameters.require("kid"),
                    caller.actor
                )
                return try JSONResponse(KeyListItemDTO(key))
            }
        }
        group.post("/orgs/{org}/os/{os}/security-key") { _, context in
            let caller = try await context.access(service, .manageKeys).caller
            let key = try await service.rotateSecurityKey(
                org: try context.parameters.require("org"),
                os: try context.parameters.require("os"),
                actor: caller.actor
            )
            return try JSONResponse(["security_key": key], status: .created)
        }
    }
}
