import Foundation

extension TokenVerifier {
    /// Checks a verified token's `status` claim against its Token Status List, when a
    /// status-list origin is configured (``statusLists``); otherwise the claim is ignored, as
    /// Agno ignores it. Runs on every verification, cached ones included, so a revocation ends a
    /// token within the list's `ttl` even while its verification is cached.
    func checkStatus(_ verified: VerifiedToken, at date: Date) async throws(AgentOSAuthError) {
        guard let statusLists, let raw = verified.claims["status"] else { return }
        let invalid = AgentOSAuthError(.invalidToken, "Invalid token: Invalid status claim")
        guard case .object(let status) = raw else { throw invalid }
        // Another status mechanism (draft §6.1 allows more members); only status_list is known.
        guard let reference = status["status_list"] else { return }
        guard case .object(let fields) = reference, let uri = fields["uri"]?.stringValue,
            case .number(let index)? = fields["idx"], index >= 0, index == index.rounded(), index < 2_147_483_648
        else { throw invalid }
        guard statusLists.trusts(uri) else {
            throw AgentOSAuthError(.statusUnavailable, "Invalid token: status list URI is not trusted")
        }
        let value = try await statusLists.status(index: Int(index), uri: uri, at: date) {
            (data: Data, uri: String) async throws(AgentOSAuthError) -> StatusListChecker.List in
            try await self.verifyStatusList(data, uri: uri, keys: try await statusLists.keys(for: uri), at: date)
        }
        // 0x00 VALID; 0x01 INVALID, 0x02 SUSPENDED and anything else: refused.
        if value != 0 { throw AgentOSAuthError(.revoked, "Invalid token: Token has been revoked") }
    }

    /// Verifies a Status List Token (draft §5.1) with the list's own `keys` (never the
    /// access-token keys): `typ` `statuslist+jwt`, signature, `sub` equal to the URI it was
    /// fetched from, `iat`, `exp` not passed, `ttl`, and a `status_list` whose `lst` inflates
    /// within the size cap.
    func verifyStatusList(_ data: Data, uri: String, keys: KeySet, at date: Date) async throws(AgentOSAuthError)
        -> StatusListChecker.List
    {
        func refuse(_ reason: String) -> AgentOSAuthError { AgentOSAuthError(.statusUnavailable, "status list: \(reason)") }
        guard let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw refuse("not UTF-8")
        }
        let parts = try JWSParts(text)
        guard parts.type == "statuslist+jwt" else { throw refuse("typ is not statuslist+jwt") }
        try verifySignature(parts, keys: keys)
        let payload = try parts.payload()
        let now = date.timeIntervalSince1970
        guard payload["sub"]?.stringValue == uri else { throw refuse("sub does not match the URI it was fetched from") }
        guard let iat = payload["iat"].flatMap(Self.number), iat <= now + options.leeway else { throw refuse("missing or future iat") }
        var expiresAt: Date?
        if let raw = payload["exp"] {
            guard let exp = Self.number(raw), exp > now else { throw refuse("expired") }
            expiresAt = Date(timeIntervalSince1970: exp)
        }
        var ttl: TimeInterval?
        if let raw = payload["ttl"] {
            guard let value = Self.number(raw), value > 0, value.isFinite else { throw refuse("ttl is not a positive number") }
            ttl = value
        }
        guard case .object(let list)? = payload["status_list"], case .number(let bits)? = list["bits"], [1, 2, 4, 8].contains(bits),
            let lst = list["lst"]?.stringValue, let compressed = Base64URL.decode(Substring(lst))
        else { throw refuse("status_list needs bits (1, 2, 4 or 8) and a base64url lst") }
        do {
            let bytes = try ZlibInflater.inflate(compressed, maxOutput: StatusListChecker.maximumListBytes)
            return StatusListChecker.List(
                bits: Int(bits),
                bytes: bytes,
                ttl: ttl,
                expiresAt: expiresAt,
                issuedAt: Date(timeIntervalSince1970: iat)
            )
        } catch {
            throw refuse("lst: \(error.reason)")
        }
    }
}
