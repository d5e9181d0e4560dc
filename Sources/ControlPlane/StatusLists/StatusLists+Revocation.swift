import AgentOSAuth
import Foundation
import PostgresNIO

extension StatusLists {
    /// Revokes tokens of one OS (`revokeTokens`; `token.revoked` audited); how many outstanding
    /// tokens were revoked (0 when already revoked, expired or unknown). Takes effect on every OS
    /// checking the list within its `ttl`.
    public func revoke(_ access: OrgAccess, os osID: String, _ revocation: TokenRevocation) async throws -> Int {
        try access.require(.revokeTokens)
        let os = try await keys.publicOS(org: access.org.slug, id: osID)
        guard os.orgID == access.org.id else { throw ControlPlaneError.notFound("no OS '\(osID)' in '\(access.org.slug)'") }
        let target: (kind: String, value: String)
        switch revocation {
        case .jti(let jti):
            guard !jti.isEmpty, jti.utf8.count <= 128 else { throw ControlPlaneError.invalid("jti must be 1-128 characters") }
            target = ("jti", jti)
        case .token(let token):
            target = ("jti", try await jti(of: token, os: os))
        case .subject(let text):
            target = ("subject", try await tokenSubject(text, org: access.org.id))
        }
        // Records of tokens issued by this process are committed before the lookup.
        try await ledger.flush()
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            let count =
                target.kind == "jti"
                ? try await store.revoke(jti: target.value, os: os.internalID, at: at, on: connection)
                : try await store.revokeSubject(target.value, on: [os.internalID], at: at, on: connection)
            let event = AuditEvent(.tokensRevoked, "os:\(osID)", [target.kind: target.value, "revoked": "\(count)"])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
            return count
        }
    }

    /// Revokes every outstanding token of `subject` on `osInstances` (`nil`: every OS of `org`),
    /// inside the transaction of the access change that causes it (member removed or disabled,
    /// service account revoked, binding or grant removed).
    ///
    /// The caller must have flushed this process's records before opening the transaction
    /// (``flushRecords()``): a batch written inside it would wait on the lock taken here.
    func revokeSubject(_ subject: Subject, on osInstances: [UUID]?, org: UUID, on connection: PostgresConnection) async throws {
        var targets = osInstances ?? []
        if osInstances == nil { targets = try await store.osInstances(org: org, on: connection) }
        let count = try await store.revokeSubject(subject.tokenSubject, on: targets, at: now(), on: connection)
        if count > 0 {
            logger.info("tokens revoked", metadata: ["sub": "\(subject.tokenSubject)", "count": "\(count)"])
        }
    }

    /// Commits this process's pending records (before a transaction that revokes by subject).
    func flushRecords() async throws { try await ledger.flush() }

    /// The `jti` of a token of this OS, verified with its published keys (an expired token is a
    /// 400: it is refused everywhere already).
    private func jti(of token: String, os: OSInstance) async throws -> String {
        var jwks: [String: VerificationKey] = [:]
        for key in try await keys.keys(of: os).filter(\.state.isPublished) {
            jwks[key.kid] = try VerificationKey(pem: key.publicKeyPEM, keyID: key.kid)
        }
        let verifier = try TokenVerifier(
            keys: KeySet(jwksKeys: jwks),
            options: .init(audience: os.id, cacheCapacity: 0),
            now: now
        )
        do {
            guard let jti = try await verifier.verify(token).tokenID else {
                throw ControlPlaneError.invalid("the token has no jti")
            }
            return jti
        } catch let error as AgentOSAuthError {
            throw ControlPlaneError.invalid("not a token of OS '\(os.id)': \(error.message)")
        }
    }

    /// A subject as tokens name it: a user id, `svc:<id>`, or a member's email.
    private func tokenSubject(_ text: String, org: UUID) async throws -> String {
        guard !text.isEmpty, text.utf8.count <= 254 else {
            throw ControlPlaneError.invalid("subject must be a user id, an email or svc:<id>")
        }
        if text.hasPrefix("svc:") {
            guard let id = UUID(uuidString: String(text.dropFirst(4))) else {
                throw ControlPlaneError.invalid("svc:<id> needs a service-account id")
            }
            return "svc:\(id.uuidString.lowercased())"
        }
        if let id = UUID(uuidString: text) { return id.uuidString.lowercased() }
        _ = try Validation.email(text)
        guard let subject = try await members.subject(org: org, reference: text) else {
            throw ControlPlaneError.notFound("no member '\(text.prefix(80))' in this organisation")
        }
        return subject.tokenSubject
    }
}
