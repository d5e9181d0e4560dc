import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// Issues access tokens: for users and service accounts through the API, and for service
/// accounts through OAuth2 client credentials. One prepared query, then the signature
/// (`docs/api.md`, token requests).
public struct TokenIssuer: Sendable {
    let client: PostgresClient
    let store: IssuanceStore
    let keys: SigningKeys
    let statusLists: StatusLists
    let audit: AuditTrail
    /// Where the audit events of tokens for others are group-committed.
    let auditAppender: AuditAppender
    let settings: ControlPlaneSettings
    let logger: Logger
    let now: Clock

    /// Issues a token for a user or service account on one OS.
    ///
    /// The caller's standing is read in the same query as the OS and the subject, so the token
    /// hot path is one round trip; it is checked here (`issueOwnToken`, `issueTokenForOthers`).
    public func issue(_ caller: Caller, org slug: String, os osID: String, request: TokenRequest) async throws -> IssuedToken {
        try Validation.slug(slug)
        try Validation.osID(osID)
        let lifetime = try tokenLifetime(request.ttlSeconds)
        if let session = request.sessionID {
            guard !session.isEmpty, session.utf8.count <= 128 else {
                throw ControlPlaneError.invalid("session_id must be 1-128 characters")
            }
            // It reaches the OS inside the token, and Agno's session views and logs.
            try Validation.printable(session, field: "session_id")
        }
        let requested = try request.scopes.map { try Validation.scopes($0, allowEmpty: false) }
        let target = try SubjectTarget(request.subject, caller: caller)
        let query = TokenIssuanceQuery(
            org: slug,
            os: osID,
            callerUser: caller.userID,
            subjectIsUser: target.kind == .user,
            subjectID: target.id,
            subjectEmail: target.email
        )
        guard let row = try await store.tokenRow(query, now: now()) else { throw ControlPlaneError.notFound("no organisation '\(slug)'") }
        try checkStanding(caller, row: row, slug: slug, forOthers: !target.isCaller)
        guard let osInternalID = row.osInternalID else { throw ControlPlaneError.notFound("no OS '\(osID)' in '\(slug)'") }
        guard let subjectID = row.subjectID else {
            throw ControlPlaneError.forbidden("the subject is not an active member or service account of '\(slug)'")
        }
        if row.subjectDisabled { throw ControlPlaneError.forbidden("the subject is disabled or revoked in '\(slug)'") }
        let effective = ScopeCompiler.compile(row.scopes)
        guard !effective.isEmpty else { throw ControlPlaneError.forbidden("the subject has no scopes on OS '\(osID)'") }
        var scopes = effective
        if let requested {
            let uncovered = ScopeCompiler.uncovered(requested, by: effective)
            guard uncovered.isEmpty else {
                throw ControlPlaneError.forbidden("requested scopes not held by the subject: \(uncovered.joined(separator: ", "))")
            }
            scopes = ScopeCompiler.compile(requested)
        }
        let subject = Subject(kind: target.kind, id: subjectID, label: row.subjectEmail ?? row.subjectName ?? "")
        let claims = AccessTokenClaims(
            issuer: settings.issuer,
            subject: subject.tokenSubject,
            audience: osID,
            issuedAt: now(),
            lifetime: lifetime,
            scopes: scopes,
            sessionID: request.sessionID,
            email: row.subjectEmail,
            name: row.subjectName,
            org: slug,
            status: settings.statusLists ? try await statusLists.reserve(os: osInternalID, org: slug, os: osID) : nil,
            roles: row.roles
        )
        guard let activeKid = row.activeKid else { throw SigningKeys.noActiveKey(osID) }
        let signed: SigningKeys.SignedToken
        if target.isCaller {
            signed = try await signAndRecord(
                claims,
                osInternalID: osInternalID,
                osID: osID,
                activeKid: activeKid,
                generation: row.generation
            )
        } else {
            // A token for someone else is a grant of their access to the caller: audited (issue #12),
            // and not handed out if the record cannot be written. Own tokens stay log-only (hot path).
            // The event names the kid that signed, so it is written after the signature, while the
            // status record is: the answer waits for both commits at once, not one after the other.
            async let recorded: Void = statusLists.record(claims, os: osInternalID, generation: row.generation)
            do {
                signed = try await keys.sign(claims, osInternalID: osInternalID, osID: osID, activeKid: activeKid)
                let event = AuditEvent(
                    .tokenIssued,
                    "os:\(osID)",
                    ["sub": claims.sub, "jti": "\(claims.jti)", "kid": signed.kid, "exp": "\(claims.exp)"]
                )
                try await auditAppender.append(event, org: row.orgID, by: caller.actor, at: now())
            } catch {
                try? await recorded
                throw error
            }
            try await recorded
        }
        logger.info(
            "token issued",
            metadata: [
                "jti": "\(claims.jti)", "sub": "\(claims.sub)", "os": "\(slug)/\(osID)", "kid": "\(signed.kid)", "by": "\(caller.actor.id)",
            ]
        )
        return IssuedToken(claims, signed: signed)
    }

    /// Signs while the token's status record is written; returns once both are done, so no
    /// token leaves before a revocation can find it.
    func signAndRecord(
        _ claims: AccessTokenClaims,
        osInternalID: UUID,
        osID: String,
        activeKid: String,
        generation: Int64
    ) async throws -> SigningKeys.SignedToken {
        async let recorded: Void = statusLists.record(claims, os: osInternalID, generation: generation)
        let signed = try await keys.sign(claims, osInternalID: osInternalID, osID: osID, activeKid: activeKid)
        try await recorded
        return signed
    }

    /// The caller's standing, from the issuance row: as `Organizations.access` and
    /// `OrgAccess.require` decide, without a second query.
    private func checkStanding(_ caller: Caller, row: TokenIssuanceQuery.Row, slug: String, forOthers: Bool) throws {
        let notFound = ControlPlaneError.notFound("no organisation '\(slug)'")
        switch caller.identity {
        case .superuser:
            return
        case .user:
            guard let role = row.callerRole else { throw notFound }
            if row.callerDisabled == true { throw ControlPlaneError.forbidden("your membership of '\(slug)' is disabled") }
            // The same rule as `Organizations.access`, read in this one query.
            if row.callerNeedsMFA {
                throw ControlPlaneError.mfaRequired("'\(slug)' requires its admins and owners to use a second factor: turn on TOTP first")
            }
            if forOthers && !role.allows(.issueTokenForOthers) {
                throw ControlPlaneError.forbidden("issuing tokens for another subject needs the admin or owner role")
            }
        case .serviceAccount(_, let org, let broker):
            guard org == row.orgID else { throw notFound }
            if forOthers && !broker { throw ControlPlaneError.forbidden("only a token-broker service account may issue tokens for others") }
        }
    }

    func tokenLifetime(_ ttl: Int?) throws -> TimeInterval {
        guard let ttl else { return min(settings.defaultTokenLifetime, settings.maxTokenLifetime) }
        guard ttl >= 1, Double(ttl) <= settings.maxTokenLifetime else {
            throw ControlPlaneError.invalid("ttl_seconds must be between 1 and \(Int(settings.maxTokenLifetime))")
        }
        return TimeInterval(ttl)
    }
}
