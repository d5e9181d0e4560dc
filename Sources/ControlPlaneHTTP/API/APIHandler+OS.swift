import AgentOSAuth
import ControlPlane
import Foundation

/// The OS registry (`/v1/orgs/{org}/os…`): registering an OS (with its first signing key unless
/// authorization is off), reading, updating and deleting it, and enabling authorization later.
extension APIHandler {
    func listOSes(_ input: Operations.ListOSes.Input) async throws -> Operations.ListOSes.Output {
        let access = try await access(input.path.org)
        let page = try await osRegistry.list(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(nextCursor: page.next, os: page.items.map(Components.Schemas.Os.init)))))
    }

    func registerOS(_ input: Operations.RegisterOS.Input) async throws -> Operations.RegisterOS.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let registration = try await osRegistry.register(
            access,
            id: body.id,
            name: body.name,
            url: body.url,
            authorization: body.authorization ?? true,
            algorithm: try Self.algorithm(body.algorithm),
            rotationPeriod: body.rotationPeriod?.value,
            verifier: try body.verifier.map { try OSVerifier(wire: $0.text) } ?? .agno
        )
        return .created(.init(body: .json(.init(registration))))
    }

    func getOS(_ input: Operations.GetOS.Input) async throws -> Operations.GetOS.Output {
        let access = try await access(input.path.org)
        return .ok(.init(body: .json(.init(try await osRegistry.get(access, id: input.path.os)))))
    }

    func updateOS(_ input: Operations.UpdateOS.Input) async throws -> Operations.UpdateOS.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let os = try await osRegistry.update(
            access,
            id: input.path.os,
            name: body.name,
            url: body.url.map { Optional($0) },
            rolesClaim: body.roles_claim,
            rotationPeriod: body.rotation_period,
            verifier: try body.verifier.map(OSVerifier.init(wire:))
        )
        return .ok(.init(body: .json(.init(os))))
    }

    /// The one generator of an OS's environment (docs/keys.md, "Starting an OS from its .env").
    func getOSEnvironment(_ input: Operations.GetOSEnvironment.Input) async throws -> Operations.GetOSEnvironment.Output {
        let access = try await access(input.path.org)
        let form = try input.query.form.map { try AgentOSEnvironment.Form(wire: $0.text) }
        let environment = try await osRegistry.environment(access, os: input.path.os, form: form)
        return .ok(
            .init(
                body: .json(
                    .init(
                        env: environment.text,
                        files: environment.files.map { .init(content: $0.content, name: $0.name) },
                        form: .init(environment.form.rawValue),
                        os: environment.os,
                        steps: environment.steps,
                        verifier: .init(environment.verifier.rawValue)
                    )
                )
            )
        )
    }

    func deleteOS(_ input: Operations.DeleteOS.Input) async throws -> Operations.DeleteOS.Output {
        try await osRegistry.delete(try await access(input.path.org), id: input.path.os)
        return .noContent(.init())
    }

    /// 201 with the new key; 200 with the active one when authorization was already on.
    func enableAuthorization(_ input: Operations.EnableAuthorization.Input) async throws -> Operations.EnableAuthorization.Output {
        let access = try await access(input.path.org)
        // `GeneratedHandlerAdapter` hands an empty body over as `{}`, as the hand-written routes read it.
        let algorithm = input.body.flatMap { if case .json(let body) = $0 { body.algorithm } else { nil } }
        let registration = try await osRegistry.enableAuthorization(access, os: input.path.os, algorithm: try Self.algorithm(algorithm))
        let body = Components.Schemas.Registration(registration)
        return registration.created ? .created(.init(body: .json(body))) : .ok(.init(body: .json(body)))
    }

    /// The signing algorithm a body names (RS256 when none), or 400 naming the allowed ones.
    static func algorithm(_ name: WireText?) throws -> SigningAlgorithm {
        guard let name = name?.text else { return .rs256 }
        guard let algorithm = SigningAlgorithm(name: name) else {
            throw APIError.badRequest("unknown algorithm '\(name.prefix(20))'; allowed: RS256, ES256, EdDSA")
        }
        return algorithm
    }
}

extension Components.Schemas.Os {
    /// `rotation_period` is always present: `null` without a schedule.
    init(_ os: OSInstance) {
        self.init(
            authorization: os.authorizationEnabled,
            createdAt: os.createdAt,
            id: os.id,
            name: os.name,
            rolesClaim: os.rolesClaim,
            jwksFetch: os.jwksFetch.map { .init(at: $0.at, kids: $0.kids) },
            rotationPeriod: .init(os.rotationPeriod),
            updatedAt: os.updatedAt,
            url: os.url,
            verifier: .init(os.verifier.rawValue)
        )
    }
}

extension Components.Schemas.Registration {
    /// The OS with its signing key and the two settings the OS needs, when it has a key.
    init(_ registration: OSRegistry.Registration) {
        self.init(
            env: registration.signingKey.map { .init(agentOsId: registration.os.id, jwtVerificationKey: $0.publicKeyPEM) },
            os: .init(registration.os),
            signingKey: registration.signingKey.map(Components.Schemas.SigningKey.init)
        )
    }
}

extension Components.Schemas.SigningKey {
    init(_ key: SigningKeyInfo) {
        self.init(alg: key.algorithm.name, jwk: .init(additionalProperties: key.jwk), kid: key.kid, publicKeyPem: key.publicKeyPEM)
    }
}
