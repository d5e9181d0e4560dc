import AgentOSAuth
import ControlPlane
import Foundation
import HTTPTypes

/// An OS's signing keys (`…/os/{os}/keys…`: public data only) and its `OS_SECURITY_KEY`, whose
/// new value is shown once (`no-store`).
extension APIHandler {
    func listSigningKeys(_ input: Operations.ListSigningKeys.Input) async throws -> Operations.ListSigningKeys.Output {
        let access = try await access(input.path.org)
        let page = try await signingKeys.list(access, os: input.path.os, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(keys: try page.items.map(Components.Schemas.Key.init), nextCursor: page.next))))
    }

    func createSigningKey(_ input: Operations.CreateSigningKey.Input) async throws -> Operations.CreateSigningKey.Output {
        let access = try await access(input.path.org)
        // `GeneratedHandlerAdapter` hands an empty body over as `{}`, as the hand-written routes read it.
        let body = input.body.flatMap { if case .json(let body) = $0 { body } else { nil } }
        let key = try await signingKeys.create(
            access,
            os: input.path.os,
            algorithm: try Self.algorithm(body?.algorithm),
            activate: body?.activate ?? false
        )
        return .created(.init(body: .json(try .init(key))))
    }

    func activateSigningKey(_ input: Operations.ActivateSigningKey.Input) async throws -> Operations.ActivateSigningKey.Output {
        let key = try await signingKeys.activate(try await access(input.path.org), os: input.path.os, kid: input.path.kid)
        return .ok(.init(body: .json(try .init(key))))
    }

    func revokeSigningKey(_ input: Operations.RevokeSigningKey.Input) async throws -> Operations.RevokeSigningKey.Output {
        let key = try await signingKeys.revoke(try await access(input.path.org), os: input.path.os, kid: input.path.kid)
        return .ok(.init(body: .json(try .init(key))))
    }

    func rotateSecurityKey(_ input: Operations.RotateSecurityKey.Input) async throws -> Operations.RotateSecurityKey.Output {
        let key = try await osRegistry.rotateSecurityKey(try await access(input.path.org), os: input.path.os)
        // Only Cache-Control here, as this answer always had (no Pragma).
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(securityKey: key))))
    }
}

extension Components.Schemas.Key {
    init(_ key: SigningKeyInfo) throws {
        guard let state = StatePayload(rawValue: key.state.rawValue) else {
            // The document lists every key state; a new one must be added there first.
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
        self.init(
            activatedAt: key.activatedAt,
            alg: key.algorithm.name,
            createdAt: key.createdAt,
            kid: key.kid,
            retireAt: key.retireAt,
            state: state
        )
    }
}
