import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// Issues access tokens: for users and service accounts through the API, and for service
/// accounts through OAuth2 client credentials. Two doors, each one prepared query, into one path
/// to the signature (``mint(_:)``; `docs/api.md`, token requests).
public struct TokenIssuer: Sendable {
    let client: PostgresClient
    let store: IssuanceStore
    let keys: SigningKeys
    let statusLists: StatusLists
    let audit: AuditTrail
    let settings: ControlPlaneSettings
    let logger: Logger
    let now: WallClock

    /// Issues a token for a user or service account on one OS.
    ///
    /// The caller's standing is read in the same query as the OS and the subject, so the token
    /// hot path is one round trip, and decided by the organisation-standing rule
    /// (``Organizations/Standing``) as for every other call.
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
        guard let row = try await store.tokenRow(query, now: now()) else { throw Organizations.unknown(slug) }
        let standing = Organizations.Standing(
            org: row.orgID,
            requireMFA: row.requireMFA,
            role: row.callerRole,
            disabled: row.callerDisabled == true,
            hasTOTP: row.callerHasTOTP
        )
        let role = try standing.check(caller, slug: slug)
        if !target.isCaller { try Self.requireIssuingForOthers(caller, role: role) }
        guard let osInternalID = row.osInternalID else { throw ControlPlaneError.notFound("no OS '\(osID)' in '\(slug)'") }
        guard let subjectID = row.subjectID else {
            throw ControlPlaneError.forbidden("the subject is not an active member or service account of '\(slug)'")
        }
        if row.subjectDisabled { throw ControlPlaneError.forbidden("the subject is disabled or revoked in '\(slug)'") }
        var grant = TokenGrant(
            org: slug,
            os: osID,
            osInternalID: osInternalID,
            read: row,
            subject: Subject(kind: target.kind, id: subjectID, label: row.subjectEmail ?? row.subjectName ?? ""),
            requested: requested,
            lifetime: lifetime,
            caller: caller.actor,
            door: "api"
        )
        grant.email = row.subjectEmail
        grant.name = row.subjectName
        grant.sessionID = request.sessionID
        // A token for someone else is a grant of their access to the caller: audited.
        if !target.isCaller { grant.auditedIn = row.orgID }
        return try await mint(grant)
    }

    /// A token for another subject: an admin's or owner's, the superuser key's, or a token-broker
    /// service account's (`OrgAccess.allows(.issueTokenForOthers)`, read from the token query).
    private static func requireIssuingForOthers(_ caller: Caller, role: OrgRole?) throws {
        switch caller.identity {
        case .superuser:
            return
        case .user:
            guard role?.allows(.issueTokenForOthers) == true else {
                throw ControlPlaneError.forbidden("issuing tokens for another subject needs the admin or owner role")
            }
        case .serviceAccount(_, _, let broker):
            guard broker else { throw ControlPlaneError.forbidden("only a token-broker service account may issue tokens for others") }
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
