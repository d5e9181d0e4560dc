import AgentOSAuth
import Foundation
import Logging

extension TokenIssuer {
    /// The one issuance path of both doors: scope resolution, the claims, the status-list entry,
    /// the status record and the audit event of a token for someone else (one
    /// commit), the log line.
    func mint(_ grant: TokenGrant<some IssuanceRow>) async throws -> IssuedToken {
        let scopes = try Self.resolve(grant.read.scopes, requested: grant.requested, os: grant.os)
        let claims = AccessTokenClaims(
            issuer: settings.issuer,
            subject: grant.subject.tokenSubject,
            audience: grant.os,
            issuedAt: now(),
            lifetime: grant.lifetime,
            scopes: scopes,
            sessionID: grant.sessionID,
            email: grant.email,
            name: grant.name,
            org: grant.org,
            status: settings.statusLists ? try await statusLists.reserve(os: grant.osInternalID, org: grant.org, os: grant.os) : nil,
            roles: grant.read.roles
        )
        guard let activeKid = grant.read.activeKid else { throw SigningKeys.noActiveKey(grant.os) }
        let signed = try await keys.sign(claims, osInternalID: grant.osInternalID, osID: grant.os, activeKid: activeKid)
        // No token leaves before a revocation can find it: the answer waits for its status
        // record. A token for someone else is a grant of their access to the caller: not handed
        // out unless its audit event (which names the kid that signed, so it follows the
        // signature) is committed too, in the same transaction as the record.
        let audit = grant.auditedIn.map { org in
            PendingAuditEvent(
                event: AuditEvent(
                    .tokenIssued,
                    "os:\(grant.os)",
                    ["sub": claims.sub, "jti": "\(claims.jti)", "kid": signed.kid, "exp": "\(claims.exp)"]
                ),
                org: org,
                actor: grant.caller,
                at: now()
            )
        }
        try await statusLists.record(claims, os: grant.osInternalID, generation: grant.read.generation, audit: audit)
        logger.info(
            "token issued",
            metadata: [
                "jti": "\(claims.jti)", "sub": "\(claims.sub)", "os": "\(grant.org)/\(grant.os)", "kid": "\(signed.kid)",
                "by": "\(grant.caller.id)", "grant": "\(grant.door)",
            ]
        )
        return IssuedToken(claims, signed: signed, org: grant.org)
    }

    /// The token's scopes: all the subject holds on the OS, or those requested when every one is
    /// covered.
    static func resolve(_ raw: [String], requested: [String]?, os: String) throws -> [String] {
        let effective = ScopeCompiler.compile(raw)
        guard !effective.isEmpty else { throw ControlPlaneError.scopesRefused("the subject has no scopes on OS '\(os)'") }
        guard let requested, !requested.isEmpty else { return effective }
        let uncovered = ScopeCompiler.uncovered(requested, by: effective)
        guard uncovered.isEmpty else {
            throw ControlPlaneError.scopesRefused("requested scopes not held by the subject: \(uncovered.joined(separator: ", "))")
        }
        return ScopeCompiler.compile(requested)
    }
}
