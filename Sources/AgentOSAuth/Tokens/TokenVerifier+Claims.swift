import Foundation

extension TokenVerifier {
    /// The reserved-subject rule: `sa:` (service accounts), `__oauth__:` (MCP OAuth clients)
    /// and `__scheduler__` are principals a JWT may never claim.
    static func isReservedSubject(_ subject: String) -> Bool {
        subject.hasPrefix("sa:") || subject.hasPrefix("__oauth__:") || subject == "__scheduler__"
    }

    /// PyJWT's claim order (iat, nbf, exp, sub, jti), then Agno's aud, iss and reserved-sub checks.
    func validateClaims(_ payload: [String: JSONValue], keyID: String?, at date: Date) throws(AgentOSAuthError) -> VerifiedToken {
        let now = date.timeIntervalSince1970
        if let raw = payload["iat"] {
            guard let iat = Self.number(raw) else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Issued At claim (iat) must be an integer.")
            }
            if iat > now + options.leeway {
                throw AgentOSAuthError(.invalidToken, "Invalid token: The token is not yet valid (iat)")
            }
        }
        if let raw = payload["nbf"] {
            guard let nbf = Self.number(raw) else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Not Before claim (nbf) must be an integer.")
            }
            if nbf > now + options.leeway {
                throw AgentOSAuthError(.invalidToken, "Invalid token: The token is not yet valid (nbf)")
            }
        }
        var expiresAt: Date?
        if let raw = payload["exp"] {
            guard let exp = Self.number(raw) else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Expiration Time claim (exp) must be an integer.")
            }
            if exp <= now - options.leeway { throw AgentOSAuthError(.expired, "Token has expired") }
            expiresAt = Date(timeIntervalSince1970: exp)
        } else if options.requireExpiration {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Token is missing the \"exp\" claim")
        }
        if let raw = payload["sub"], raw.stringValue == nil {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Subject must be a string")
        }
        if let raw = payload["jti"], raw.stringValue == nil {
            throw AgentOSAuthError(.invalidToken, "Invalid token: JWT ID must be a string")
        }
        if options.verifyAudience, let expected = options.audience {
            guard let raw = payload["aud"] else {
                throw AgentOSAuthError(
                    .invalidToken,
                    "Invalid token: Token is missing the \"aud\" claim. Audience verification requires this claim to be present in the token."
                )
            }
            let audiences: [String] =
                switch raw {
                case .string(let audience): [audience]
                case .array(let values): values.compactMap(\.stringValue)
                default: []
                }
            guard audiences.contains(expected) else {
                throw AgentOSAuthError(.invalidAudience, "Invalid token audience - token not valid for this AgentOS instance")
            }
        }
        if let expected = options.issuer {
            guard let raw = payload["iss"] else {
                throw AgentOSAuthError(
                    .invalidToken,
                    "Invalid token: Token is missing the \"iss\" claim. Issuer verification requires this claim to be present in the token."
                )
            }
            let issuer = raw.stringValue ?? raw.pythonDescription
            guard issuer == expected else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid issuer. Expected: \(expected), got: \(issuer)")
            }
        }
        let subject = payload["sub"]?.stringValue
        if let subject, Self.isReservedSubject(subject) {
            throw AgentOSAuthError(.reservedSubject, "Invalid token subject")
        }
        let scopes = Self.normalizedScopes(payload["scopes"])
        return VerifiedToken(
            subject: subject,
            scopes: scopes,
            scopeSet: ScopeSet(scopes, adminScope: options.adminScope),
            sessionID: payload["session_id"]?.stringValue,
            tokenID: payload["jti"]?.stringValue,
            expiresAt: expiresAt,
            keyID: keyID,
            claims: payload
        )
    }

    /// Agno's normalisation: array of strings as is; a string → one scope (never split on
    /// spaces); an array with a non-string element → nothing (fail closed); anything else → nothing.
    static func normalizedScopes(_ raw: JSONValue?) -> [String] {
        switch raw {
        case .string(let single):
            return [single]
        case .array(let array):
            var scopes: [String] = []
            scopes.reserveCapacity(array.count)
            for element in array {
                guard case .string(let scope) = element else { return [] }
                scopes.append(scope)
            }
            return scopes
        default:
            return []
        }
    }

    /// A numeric claim; like Python, `true`/`false` count as 1/0.
    static func number(_ raw: JSONValue) -> Double? {
        switch raw {
        case .number(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }
}
