public import AgentOSAuth
public import Foundation
import PostgresNIO

/// A subject's effective scopes on one OS and where each comes from.
public struct EffectiveAccess: Sendable {
    /// Where a granted scope comes from.
    public struct Source: Sendable, Equatable {
        public enum Kind: String, Sendable { case role, grant }
        public var kind: Kind
        /// The binding or grant id.
        public var id: UUID
        /// The role's slug, for role bindings.
        public var role: String?
        /// The OS of the binding; `nil` for an org-wide binding.
        public var os: String?
    }

    public var subject: Subject
    /// What a token would carry: compiled (DESIGN §5).
    public var scopes: [String]
    /// Each granted scope as stored, with its sources.
    public var grantedBy: [(scope: String, sources: [Source])]

    /// Sources of the compiled scope `scope` (e.g. `agents:run` may come from `agents:*:run`).
    public func sources(of scope: String) -> [Source] {
        grantedBy.filter { ScopeCompiler.compile([$0.scope]) == [scope] || $0.scope == scope }.flatMap(\.sources)
    }
}

/// The explanation of one request against one OS.
public struct Explanation: Sendable {
    public var evaluation: AccessEvaluation
    /// Sources of the matched scopes (empty for a token: it carries no provenance).
    public var grantedBy: [String: [EffectiveAccess.Source]]
    /// The subject the decision is about (`sub` for a token).
    public var subject: String?
}

extension ControlPlaneService {
    /// The effective scopes of a subject on an OS, with their sources. Callers may see their own;
    /// others' need `readAccess` plus admin rights (`manageAccess`).
    public func effectiveAccess(_ access: OrgAccess, os osID: String, subject reference: SubjectReference) async throws -> EffectiveAccess {
        try await effectiveAccess(access, os: try await osInstance(org: access.org.slug, id: osID), subject: reference)
    }

    func effectiveAccess(_ access: OrgAccess, os: OSInstance, subject reference: SubjectReference) async throws -> EffectiveAccess {
        let subject = try await resolveSubject(reference, org: access.org.id)
        if !isSelf(access.caller, subject) { try access.require(.manageAccess) }
        return try await effectiveAccess(subject: subject, os: os)
    }

    func effectiveAccess(subject: Subject, os: OSInstance) async throws -> EffectiveAccess {
        let rows = try await client.query(
            """
            SELECT rs.scope, 'role', b.id, r.slug, o.os_id
            FROM role_bindings b JOIN roles r ON r.id = b.role_id JOIN role_scopes rs ON rs.role_id = r.id
            LEFT JOIN os_instances o ON o.id = b.os_instance
            WHERE b.org_id = \(os.orgID) AND b.\(unescaped: subject.column) = \(subject.id)
              AND (b.os_instance IS NULL OR b.os_instance = \(os.internalID))
            UNION ALL
            SELECT g.scope, 'grant', g.id, NULL, \(os.id)
            FROM scope_grants g WHERE g.os_instance = \(os.internalID) AND g.\(unescaped: subject.column) = \(subject.id)
            ORDER BY 1, 2, 4
            """,
            logger: logger
        )
        var grantedBy: [(scope: String, sources: [EffectiveAccess.Source])] = []
        for try await (scope, kind, id, role, osID) in rows.decode((String, String, UUID, String?, String?).self) {
            let source = EffectiveAccess.Source(kind: kind == "role" ? .role : .grant, id: id, role: role, os: osID)
            if grantedBy.last?.scope == scope {
                grantedBy[grantedBy.count - 1].sources.append(source)
            } else {
                grantedBy.append((scope, [source]))
            }
        }
        return EffectiveAccess(subject: subject, scopes: ScopeCompiler.compile(grantedBy.map(\.scope)), grantedBy: grantedBy)
    }

    /// Explains what the OS would answer to `method path` for a subject (from its current grants)
    /// or for a token (verified with the OS's published keys), using `AgentOSAuth`'s own gate.
    public func explain(
        _ access: OrgAccess,
        os osID: String,
        subject reference: SubjectReference?,
        token: String?,
        method: String,
        path: String
    )
        async throws -> Explanation
    {
        guard (reference == nil) != (token == nil) else { throw ControlPlaneError.invalid("give exactly one of subject and token") }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(method.uppercased()) else {
            throw ControlPlaneError.invalid("method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
        }
        guard path.hasPrefix("/"), path.utf8.count <= 2048 else {
            throw ControlPlaneError.invalid("path must start with '/' (at most 2048 bytes)")
        }
        let os = try await osInstance(org: access.org.slug, id: osID)
        var configuration = AgentOSAuthConfiguration()
        configuration.authorization = true
        configuration.osID = os.id
        if let reference {
            let effective = try await effectiveAccess(access, os: os, subject: reference)
            let gate = RouteAuthorizer(configuration: configuration)
            let evaluation = gate.evaluate(ScopeSet(effective.scopes), method: method, path: path)
            let grantedBy = Dictionary(uniqueKeysWithValues: evaluation.matchedScopes.map { ($0, effective.sources(of: $0)) })
            return Explanation(evaluation: evaluation, grantedBy: grantedBy, subject: effective.subject.tokenSubject)
        }
        let published = try await keys(of: os).filter(\.state.isPublished)
        var jwks: [String: VerificationKey] = [:]
        for key in published { jwks[key.kid] = try VerificationKey(pem: key.publicKeyPEM, keyID: key.kid) }
        let verifier = try TokenVerifier(keys: KeySet(jwksKeys: jwks), options: .init(audience: os.id, cacheCapacity: 0), now: now)
        let gate = RouteAuthorizer(configuration: configuration)
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

    func isSelf(_ caller: Caller, _ subject: Subject) -> Bool {
        switch caller.identity {
        case .user(let id): subject.kind == .user && subject.id == id
        case .serviceAccount(let id, _, _): subject.kind == .serviceAccount && subject.id == id
        case .superuser: false
        }
    }
}
