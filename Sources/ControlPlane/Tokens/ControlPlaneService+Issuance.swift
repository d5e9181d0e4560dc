import AgentOSAuth
public import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// What a caller asks for at `POST …/tokens`.
    public struct TokenRequest: Sendable {
        /// A user id, an email or `svc:<id>`; `nil` = the caller.
        public var subject: String?
        /// Narrow to these scopes (each must be covered by the subject's effective scopes).
        public var scopes: [String]?
        public var ttlSeconds: Int?
        public var sessionID: String?

        public init(subject: String? = nil, scopes: [String]? = nil, ttlSeconds: Int? = nil, sessionID: String? = nil) {
            self.subject = subject
            self.scopes = scopes
            self.ttlSeconds = ttlSeconds
            self.sessionID = sessionID
        }
    }

    /// An issued access token and what it carries.
    public struct IssuedToken: Sendable {
        public var accessToken: String
        public var expiresIn: Int
        public var expiresAt: Date
        public var scopes: [String]
        public var kid: String
        public var jti: String
        public var subject: String

        init(_ claims: AccessTokenClaims, signed: SignedToken) {
            accessToken = signed.token
            expiresIn = claims.exp - claims.iat
            expiresAt = Date(timeIntervalSince1970: Double(claims.exp))
            scopes = claims.scopes
            kid = signed.kid
            jti = claims.jti
            subject = claims.sub
        }
    }

    /// Issues a token for a user or service account on one OS (DESIGN §5).
    ///
    /// The caller's standing, the OS, the subject's membership and effective scopes come from one
    /// query; the signer is cached in memory, so the hot path is one round trip plus the signature.
    public func issueToken(_ caller: Caller, org slug: String, os osID: String, request: TokenRequest) async throws -> IssuedToken {
        try Validation.slug(slug)
        try Validation.osID(osID)
        let lifetime = try tokenLifetime(request.ttlSeconds)
        if let session = request.sessionID, session.isEmpty || session.utf8.count > 128 || session.contains(where: \.isNewline) {
            throw ControlPlaneError.invalid("session_id must be 1-128 characters")
        }
        let requested = try request.scopes.map { try Validation.scopes($0, allowEmpty: false) }
        let target = try subjectTarget(request.subject, caller: caller)

        let row = try await issuanceRow(org: slug, os: osID, caller: caller, target: target)
        guard let row else { throw ControlPlaneError.notFound("no organisation '\(slug)'") }
        switch caller.identity {
        case .superuser:
            break
        case .user:
            guard let role = row.callerRole.flatMap(OrgRole.init(rawValue:)) else {
                throw ControlPlaneError.notFound("no organisation '\(slug)'")
            }
            if row.callerDisabled == true { throw ControlPlaneError.forbidden("your membership of '\(slug)' is disabled") }
            if !target.isCaller && !role.allows(.issueTokenForOthers) {
                throw ControlPlaneError.forbidden("issuing tokens for another subject needs the admin or owner role")
            }
        case .serviceAccount(_, let org, let broker):
            guard org == row.orgID else { throw ControlPlaneError.notFound("no organisation '\(slug)'") }
            if !target.isCaller && !broker {
                throw ControlPlaneError.forbidden("only a token-broker service account may issue tokens for others")
            }
        }
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
            org: slug
        )
        guard let activeKid = row.activeKid else { throw Self.noActiveKey(osID) }
        let signed = try await sign(claims, osInternalID: osInternalID, osID: osID, activeKid: activeKid)
        logger.info(
            "token issued",
            metadata: [
                "jti": "\(claims.jti)", "sub": "\(claims.sub)", "os": "\(slug)/\(osID)", "kid": "\(signed.kid)", "by": "\(caller.actor.id)",
            ]
        )
        return IssuedToken(claims, signed: signed)
    }

    func tokenLifetime(_ ttl: Int?) throws -> TimeInterval {
        guard let ttl else { return min(settings.defaultTokenLifetime, settings.maxTokenLifetime) }
        guard ttl >= 1, Double(ttl) <= settings.maxTokenLifetime else {
            throw ControlPlaneError.invalid("ttl_seconds must be between 1 and \(Int(settings.maxTokenLifetime))")
        }
        return TimeInterval(ttl)
    }

    struct SubjectTarget {
        var kind: Subject.Kind
        var id: UUID?
        var email: String?
        var isCaller: Bool
    }

    /// Which subject a request names; `nil` is the caller itself.
    func subjectTarget(_ text: String?, caller: Caller) throws -> SubjectTarget {
        guard let text else {
            switch caller.identity {
            case .user(let id): return SubjectTarget(kind: .user, id: id, isCaller: true)
            case .serviceAccount(let id, _, _): return SubjectTarget(kind: .serviceAccount, id: id, isCaller: true)
            case .superuser: throw ControlPlaneError.invalid("subject is required when calling with a superuser key")
            }
        }
        guard !text.isEmpty, text.utf8.count <= 254 else {
            throw ControlPlaneError.invalid("subject must be a user id, an email or svc:<id>")
        }
        if text.hasPrefix("svc:") {
            guard let id = UUID(uuidString: String(text.dropFirst(4))) else {
                throw ControlPlaneError.invalid("svc:<id> needs a service-account id")
            }
            if case .serviceAccount(id, _, _) = caller.identity { return SubjectTarget(kind: .serviceAccount, id: id, isCaller: true) }
            return SubjectTarget(kind: .serviceAccount, id: id, isCaller: false)
        }
        let id = UUID(uuidString: text)
        let email = id == nil ? try Validation.email(text) : nil
        let isCaller = id != nil && caller.userID == id
        return SubjectTarget(kind: .user, id: id, email: email, isCaller: isCaller)
    }

    struct IssuanceRow {
        var orgID: UUID
        var osInternalID: UUID?
        var callerRole: String?
        var callerDisabled: Bool?
        var subjectID: UUID?
        var subjectEmail: String?
        var subjectName: String?
        var subjectDisabled: Bool
        var scopes: [String]
        var activeKid: String?
    }

    /// Organisation, OS, the caller's membership, the subject and its raw scopes on the OS.
    func issuanceRow(org slug: String, os osID: String, caller: Caller, target: SubjectTarget) async throws -> IssuanceRow? {
        let column = target.kind == .user ? "user_id" : "service_account_id"
        let isUser = target.kind == .user
        let query: PostgresQuery = """
            SELECT g.id, o.id, cm.role, cm.disabled, s.id, s.email, s.name, coalesce(s.disabled, false),
              \(unescaped: Self.activeKidSQL),
              \(unescaped: Self.rawScopesSQL(column: column, subject: "s.id"))
            FROM organizations g
            LEFT JOIN os_instances o ON o.org_id = g.id AND o.os_id = \(osID)
            LEFT JOIN org_members cm ON cm.org_id = g.id AND cm.user_id = \(caller.userID)
            LEFT JOIN LATERAL (
              SELECT u.id, u.email, u.name, m.disabled FROM users u JOIN org_members m ON m.user_id = u.id AND m.org_id = g.id
              WHERE \(isUser) AND (u.id = \(target.id) OR lower(u.email) = lower(\(target.email)))
              UNION ALL
              SELECT sa.id, NULL, sa.name, sa.revoked_at IS NOT NULL FROM service_accounts sa
              WHERE NOT \(isUser) AND sa.id = \(target.id) AND sa.org_id = g.id
              LIMIT 1
            ) s(id, email, name, disabled) ON true
            WHERE g.slug = \(slug)
            """
        let rows = try await client.query(query, logger: logger)
        for try await (org, os, role, disabled, subject, email, name, subjectDisabled, activeKid, scopes) in rows.decode(
            (UUID, UUID?, String?, Bool?, UUID?, String?, String?, Bool, String?, [String]).self
        ) {
            return IssuanceRow(
                orgID: org,
                osInternalID: os,
                callerRole: role,
                callerDisabled: disabled,
                subjectID: subject,
                subjectEmail: email,
                subjectName: name,
                subjectDisabled: subjectDisabled,
                scopes: scopes,
                activeKid: activeKid
            )
        }
        return nil
    }

    /// The OS's active kid (alias `o`), so a stale cached signer is noticed without another query.
    static let activeKidSQL = "(SELECT k.kid FROM signing_keys k WHERE k.os_instance = o.id AND k.state = 'active')"

    /// The raw scopes of a subject on an OS (its org-wide and per-OS role bindings, and its
    /// grants), as an `ARRAY(…)` expression over the aliases `g` (organisation) and `o` (OS).
    /// `column` and `subject` are fixed SQL, never caller input.
    static func rawScopesSQL(column: String, subject: String) -> String {
        """
        ARRAY(
          SELECT rs.scope FROM role_bindings b JOIN role_scopes rs ON rs.role_id = b.role_id
          WHERE b.org_id = g.id AND b.\(column) = \(subject) AND (b.os_instance IS NULL OR b.os_instance = o.id)
          UNION SELECT sg.scope FROM scope_grants sg WHERE sg.os_instance = o.id AND sg.\(column) = \(subject)
        )
        """
    }
}
