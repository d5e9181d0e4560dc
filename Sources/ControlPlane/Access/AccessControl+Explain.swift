import AgentOSAuth
import Foundation

extension AccessControl {
    /// The effective scopes of a subject on an OS, with their sources. Callers may see their own
    /// (`readAccess`); others' need `manageAccess`.
    public func effectiveAccess(_ access: OrgAccess, os osID: String, subject reference: SubjectReference) async throws -> EffectiveAccess {
        try access.require(.readAccess)
        return try await effectiveAccess(access, os: try await find(os: osID, in: access.org), subject: reference)
    }

    private func effectiveAccess(_ access: OrgAccess, os: OSInstance, subject reference: SubjectReference) async throws -> EffectiveAccess {
        let subject = try await subjects.resolve(reference, in: access.org)
        if !Self.isSelf(access.caller, subject) { try access.require(.manageAccess) }
        var grantedBy: [(scope: String, sources: [EffectiveAccess.Source])] = []
        for (scope, kind, id, role, osID) in try await store.sources(of: subject, os: os) {
            let source = EffectiveAccess.Source(kind: kind, id: id, role: role, os: osID)
            if grantedBy.last?.scope == scope {
                grantedBy[grantedBy.count - 1].sources.append(source)
            } else {
                grantedBy.append((scope, [source]))
            }
        }
        return EffectiveAccess(subject: subject, scopes: ScopeCompiler.compile(grantedBy.map(\.scope)), grantedBy: grantedBy)
    }

    /// Explains what the OS would answer to `method path` (`readAccess`; others' need
    /// `manageAccess`) for a subject (from its current grants) or for a token (verified with the
    /// OS's published keys), using `AgentOSAuth`'s own gate.
    public func explain(
        _ access: OrgAccess,
        os osID: String,
        subject reference: SubjectReference?,
        token: String?,
        method: String,
        path: String
    ) async throws -> Explanation {
        try access.require(.readAccess)
        guard (reference == nil) != (token == nil) else { throw ControlPlaneError.invalid("give exactly one of subject and token") }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(method.uppercased()) else {
            throw ControlPlaneError.invalid("method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
        }
        guard path.hasPrefix("/"), path.utf8.count <= 2048 else {
            throw ControlPlaneError.invalid("path must start with '/' (at most 2048 bytes)")
        }
        let os = try await find(os: osID, in: access.org)
        var configuration = AgentOSAuthConfiguration()
        configuration.authorization = true
        configuration.osID = os.id
        let gate = RouteAuthorizer(configuration: configuration)
        if let reference {
            let effective = try await effectiveAccess(access, os: os, subject: reference)
            let evaluation = gate.evaluate(ScopeSet(effective.scopes), method: method, path: path)
            let grantedBy = Dictionary(uniqueKeysWithValues: evaluation.matchedScopes.map { ($0, effective.sources(of: $0)) })
            return Explanation(evaluation: evaluation, grantedBy: grantedBy, subject: effective.subject.tokenSubject)
        }
        var jwks: [String: VerificationKey] = [:]
        for key in try await keys.keys(of: os).filter(\.state.isPublished) {
            jwks[key.kid] = try VerificationKey(pem: key.publicKeyPEM, keyID: key.kid)
        }
        let verifier = try TokenVerifier(keys: KeySet(jwksKeys: jwks), options: .init(audience: os.id, cacheCapacity: 0), now: now)
        do {
            let verified = try await verifier.verify(token!)
            return Explanation(
                evaluation: gate.evaluate(ScopeSet(verified.scopes), method: method, path: path),
                grantedBy: [:],
                subject: verified.subject
            )
        } catch {
            let evaluation = AccessEvaluation(
                allowed: false,
                status: error.status,
                requiredScopes: [],
                matchedScopes: [],
                detail: error.message
            )
            return Explanation(evaluation: evaluation, grantedBy: [:], subject: nil)
        }
    }

    static func isSelf(_ caller: Caller, _ subject: Subject) -> Bool {
        switch caller.identity {
        case .user(let id): subject.kind == .user && subject.id == id
        case .serviceAccount(let id, _, _): subject.kind == .serviceAccount && subject.id == id
        case .superuser: false
        }
    }
}
