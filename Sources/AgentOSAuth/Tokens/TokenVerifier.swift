public import Foundation
import Synchronization

/// Verifies access tokens offline with public keys, deciding like Agno's AgentOS (status and
/// detail strings) except for the safer defaults in ``Options``.
public final class TokenVerifier: Sendable {
    /// Claim rules.
    public struct Options: Sendable {
        /// Expected `aud` (Agno: the configured audience, else the OS id).
        public var audience: String?
        /// Check `aud` (default `true`; Agno's default is `false`). When on, ``audience`` must be set:
        /// ``TokenVerifier/init(keys:remote:statusLists:options:now:)`` refuses options without one.
        public var verifyAudience: Bool
        /// Pinned `iss`, checked when set.
        public var issuer: String?
        /// Refuse tokens without `exp` (default `true`; Agno accepts them).
        public var requireExpiration: Bool
        /// Clock skew allowed for `exp`, `nbf` and `iat` (Agno: 10 s).
        public var leeway: TimeInterval
        /// Tokens longer than this are refused before parsing.
        public var maxTokenBytes: Int
        /// Capacity of the verified-token cache (0 disables it).
        public var cacheCapacity: Int
        /// The admin scope ``VerifiedToken/scopeSet`` is parsed with (`AGENTOS_ADMIN_SCOPE`).
        public var adminScope: String
        /// Accept only `typ: at+jwt` (RFC 9068; `AGENTOS_AUTH_REQUIRE_AT_JWT=true`). Off by
        /// default: tokens from Agno's own control plane and from PyJWT say `JWT` or nothing.
        /// Any other `typ` (a status list's `statuslist+jwt`, say) is refused either way.
        public var requireAccessTokenType: Bool

        /// Options with the safer defaults.
        public init(
            audience: String? = nil,
            verifyAudience: Bool = true,
            issuer: String? = nil,
            requireExpiration: Bool = true,
            leeway: TimeInterval = 10,
            maxTokenBytes: Int = 8192,
            cacheCapacity: Int = 10_000,
            adminScope: String = Scope.defaultAdminScope,
            requireAccessTokenType: Bool = false
        ) {
            self.audience = audience
            self.verifyAudience = verifyAudience
            self.issuer = issuer
            self.requireExpiration = requireExpiration
            self.leeway = leeway
            self.maxTokenBytes = maxTokenBytes
            self.cacheCapacity = cacheCapacity
            self.adminScope = adminScope
            self.requireAccessTokenType = requireAccessTokenType
        }
    }

    let staticKeys: KeySet
    let remote: RemoteJWKS?
    /// Status lists checked for tokens with a `status` claim; `nil`: the claim is ignored.
    let statusLists: StatusListChecker?
    let options: Options
    let now: @Sendable () -> Date
    let cache: VerifiedTokenCache
    private let signatureChecks = Atomic<Int>(0)

    /// A verifier over fixed keys (`JWT_VERIFICATION_KEY`, `JWT_JWKS_FILE`) and, optionally, a
    /// JWKS fetched from a URL.
    ///
    /// - Parameters:
    ///   - statusLists: checks the `status` claim of tokens (`JWT_STATUS_LIST_ORIGIN`); without
    ///     it, status claims are ignored. Status List Tokens are verified with the same keys.
    ///   - now: the clock; inject one in tests.
    /// - Throws: ``AgentOSAuthError/Code/invalidConfiguration`` when `options` checks the
    ///   audience (``Options/verifyAudience``) but names none: such a verifier would accept any `aud`.
    public init(
        keys: KeySet,
        remote: RemoteJWKS? = nil,
        statusLists: StatusListChecker? = nil,
        options: Options = .init(),
        now: @escaping @Sendable () -> Date = Date.init
    ) throws(AgentOSAuthError) {
        if options.verifyAudience && options.audience == nil {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "the audience is verified but none is set: give Options.audience (the OS id) or set verifyAudience to false"
            )
        }
        self.staticKeys = keys
        self.remote = remote
        self.statusLists = statusLists
        self.options = options
        self.now = now
        self.cache = VerifiedTokenCache(capacity: options.cacheCapacity)
    }

    /// How many tokens reached the signature check: verifications the cache did not answer
    /// (for tests and metrics).
    public var signatureVerifications: Int { signatureChecks.load(ordering: .relaxed) }

    /// Verifies `token` (without the `Bearer ` prefix).
    ///
    /// - Throws: ``AgentOSAuthError`` with a 401 code and Agno's detail string; 401
    ///   ``AgentOSAuthError/Code/keysUnavailable`` when a JWKS URL has not answered for longer
    ///   than its maximum staleness; 401 ``AgentOSAuthError/Code/revoked`` for a token its status
    ///   list marks revoked, ``AgentOSAuthError/Code/statusUnavailable`` when that list is
    ///   unusable or not under the trusted origin.
    public func verify(_ token: String) async throws(AgentOSAuthError) -> VerifiedToken {
        guard token.utf8.count <= options.maxTokenBytes else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Token exceeds \(options.maxTokenBytes) bytes")
        }
        let current = now()
        // A stale JWKS is refetched (or found too old to use) before the cache is consulted, so a
        // key removed from the set also ends the cached verifications of its tokens.
        if let remote, remote.needsAttention(at: current), await remote.keys(at: current, unknownKeyID: nil) == nil {
            throw Self.keysUnavailable
        }
        let generation = remote?.generation ?? 0
        if let hit = cache.lookup(token, now: current, generation: generation) {
            try await checkStatus(hit, at: current)
            return hit
        }

        let parts = try JWSParts(token)
        try checkType(parts.type)
        let keys = try await keySnapshot(for: parts, at: current)
        signatureChecks.add(1, ordering: .relaxed)
        try verifySignature(parts, keys: keys)
        let verified = try validateClaims(parts.payload(), keyID: parts.keyID, at: current)
        cache.store(token, verified, now: current, leeway: options.leeway, generation: remote?.generation ?? generation)
        try await checkStatus(verified, at: current)
        return verified
    }

    /// Only an access token's `typ` passes (RFC 8725 §3.11: a JWT of another kind, signed by the
    /// same issuer, must not validate as this one). `typ` is compared case-insensitively, with
    /// or without `application/` (RFC 7515 §4.1.9).
    func checkType(_ type: String?) throws(AgentOSAuthError) {
        guard let type else {
            if options.requireAccessTokenType { throw AgentOSAuthError(.invalidToken, "Invalid token: typ must be at+jwt") }
            return
        }
        var media = type.lowercased()
        if media.hasPrefix("application/") { media.removeFirst("application/".count) }
        if media == "at+jwt" || (media == "jwt" && !options.requireAccessTokenType) { return }
        throw AgentOSAuthError(.invalidToken, "Invalid token: typ '\(type.prefix(64))' is not an access token's")
    }

    static let keysUnavailable = AgentOSAuthError(.keysUnavailable, "Invalid token: verification keys unavailable")

    /// Drops every cached verification (e.g. after changing keys).
    public func purgeCache() { cache.removeAll() }

    func keySnapshot(for parts: JWSParts, at date: Date) async throws(AgentOSAuthError) -> KeySet {
        guard let remote else { return staticKeys }
        guard var snapshot = await remote.keys(at: date, unknownKeyID: nil) else { throw Self.keysUnavailable }
        if let kid = parts.keyID, snapshot.keys[kid] == nil {
            guard let refetched = await remote.keys(at: date, unknownKeyID: kid) else { throw Self.keysUnavailable }
            snapshot = refetched
        }
        var merged = staticKeys
        // The usual case has no JWKS file: take the fetched set as is (no per-token copy).
        if merged.jwksKeys.isEmpty {
            merged.jwksKeys = snapshot.keys
        } else {
            merged.jwksKeys.merge(snapshot.keys) { local, _ in local }
        }
        if merged.jwksDefault == nil { merged.jwksDefault = snapshot.defaultKey }
        return merged
    }

    /// Agno's order: the alg must be one a key accepts; JWKS by `kid` (or the kid-less default);
    /// then static keys in order.
    func verifySignature(_ parts: JWSParts, keys: KeySet) throws(AgentOSAuthError) {
        // No key at all (an empty JWKS, a 404 from the JWKS URL): Agno tries no key and says so.
        if keys.isEmpty { throw AgentOSAuthError(.invalidToken, "Invalid token: No verification keys configured") }
        guard let algorithm = SigningAlgorithm(name: parts.algorithm), keys.accepts(algorithm) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: The specified alg value is not allowed")
        }
        let signature = parts.signature
        let jwksCandidate = parts.keyID.flatMap { keys.jwksKeys[$0] } ?? keys.jwksDefault
        if let candidate = jwksCandidate {
            guard candidate.algorithm == algorithm else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: The specified alg value is not allowed")
            }
            if parts.withSigningInput({ candidate.isValidSignature(signature, for: $0) }) { return }
            if keys.staticKeys.isEmpty {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Signature verification failed")
            }
        }
        if !keys.staticKeys.contains(where: { $0.algorithm == algorithm }) {
            if jwksCandidate == nil && keys.staticKeys.isEmpty {
                throw AgentOSAuthError(.invalidToken, "Invalid token: No verification keys configured")
            }
            if jwksCandidate == nil {
                throw AgentOSAuthError(.invalidToken, "Invalid token: The specified alg value is not allowed")
            }
        }
        for key in keys.staticKeys where key.algorithm == algorithm {
            if parts.withSigningInput({ key.isValidSignature(signature, for: $0) }) { return }
        }
        throw AgentOSAuthError(.invalidToken, "Invalid token: Signature verification failed")
    }
}
