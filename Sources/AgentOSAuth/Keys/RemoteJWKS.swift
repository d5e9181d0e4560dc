public import Foundation
import Synchronization

/// A JWKS fetched from a URL (`JWT_JWKS_URL`).
///
/// * Cached for the response's `Cache-Control: max-age` (at most 24 h; ``defaultMaxAge`` when
///   absent or not a non-negative integer), refetched when stale or when a token names an
///   unknown `kid` — at most once per ``refetchInterval``.
/// * Every successful answer is authoritative: `{"keys": []}`, and a 404 or 410 (nothing
///   published), leave no key, so every token is refused.
/// * Any other failure (network error, another status, a redirect, a body over 64 KiB, not a
///   JWKS) keeps the last good set — until the last success is older than ``maxStaleness``.
///   From then on ``TokenVerifier`` refuses every token with 401
///   `Invalid token: verification keys unavailable` and an error ``AuthEvent`` is reported.
public final class RemoteJWKS: Sendable {
    /// A fetched document and how long it may be cached.
    public struct Response: Sendable {
        /// The HTTP status (200, or 404/410 for "nothing published").
        public var status: Int
        /// The JWKS JSON.
        public var data: Data
        /// `max-age` of `Cache-Control`, if sent.
        public var maxAge: TimeInterval?

        /// A 200 response.
        public init(data: Data, maxAge: TimeInterval?) {
            self.init(status: 200, data: data, maxAge: maxAge)
        }

        /// A response with any status; only 200, 404 and 410 count as answers.
        public init(status: Int, data: Data, maxAge: TimeInterval?) {
            self.status = status
            self.data = data
            self.maxAge = maxAge
        }
    }

    /// Fetches the document at a URL. Throw, or return a status other than 200/404/410, for a
    /// failure; the last good keys are then kept for up to ``maxStaleness``.
    public typealias Fetcher = @Sendable (URL) async throws -> Response

    /// The longest a fetched set is trusted without refetching, whatever `max-age` says (24 h).
    public static let maximumMaxAge: TimeInterval = 86_400
    /// The largest JWKS document accepted (64 KiB).
    public static let maximumDocumentBytes = 65_536

    struct Snapshot: Sendable {
        var keys: [String: VerificationKey] = [:]
        var defaultKey: VerificationKey?
    }

    struct State {
        var snapshot = Snapshot()
        var generation = 0
        var freshUntil = Date.distantPast
        var lastAttempt = Date.distantPast
        var lastSuccess: Date?
        var unavailableReported = false
    }

    /// The JWKS URL.
    public let url: URL
    /// Minimum time between two fetches triggered by unknown `kid`s or staleness.
    public let refetchInterval: TimeInterval
    /// Cache lifetime when the server sends no usable `max-age`.
    public let defaultMaxAge: TimeInterval
    /// How long after the last successful fetch the keys are still used (`JWT_JWKS_MAX_STALENESS`).
    public let maxStaleness: TimeInterval
    let fetcher: Fetcher
    let onEvent: AuthEventHandler
    private let state = Mutex(State())

    /// A remote JWKS; call ``refresh(now:)`` once at start-up.
    ///
    /// - Parameters:
    ///   - fetcher: how to fetch; the default is ``urlSessionFetcher`` (https except loopback,
    ///     no redirects, 64 KiB, 5 s).
    ///   - onEvent: where failed fetches and stale keys are reported.
    public init(
        url: URL,
        refetchInterval: TimeInterval = 30,
        defaultMaxAge: TimeInterval = 300,
        maxStaleness: TimeInterval = 3600,
        fetcher: Fetcher? = nil,
        onEvent: @escaping AuthEventHandler = AuthEvent.standardError
    ) {
        self.url = url
        self.refetchInterval = refetchInterval
        self.defaultMaxAge = defaultMaxAge
        self.maxStaleness = maxStaleness
        self.fetcher = fetcher ?? RemoteJWKS.urlSessionFetcher
        self.onEvent = onEvent
    }

    /// Changes whenever a fetch succeeds; cached verifications of older generations are dropped.
    var generation: Int { state.withLock { $0.generation } }

    /// Fetches now, regardless of the refetch interval.
    ///
    /// - Throws: ``AgentOSAuthError`` (``AgentOSAuthError/Code/invalidKey``) when the fetch or parse fails; the previous keys stay.
    public func refresh(now: Date = Date()) async throws {
        state.withLock { $0.lastAttempt = now }
        try await fetch(now: now)
    }

    /// Whether ``keys(at:unknownKeyID:)`` has work to do at `date`: the cached set is past its
    /// `max-age` or past ``maxStaleness`` (a lock, no I/O).
    func needsAttention(at date: Date) -> Bool {
        state.withLock { date >= $0.freshUntil || isStale($0, at: date) }
    }

    /// The keys to use at `date`, or `nil` when the last successful fetch is older than
    /// ``maxStaleness`` (fail closed). Refetches (rate limited) when the cache is past its
    /// `max-age` or when `unknownKeyID` is given.
    func keys(at date: Date, unknownKeyID: String?) async -> Snapshot? {
        let shouldFetch: Bool = state.withLock { state in
            let due = unknownKeyID != nil || date >= state.freshUntil
            guard due, date.timeIntervalSince(state.lastAttempt) >= refetchInterval else { return false }
            state.lastAttempt = date
            return true
        }
        if shouldFetch { try? await fetch(now: date) }
        let (snapshot, reportNow): (Snapshot?, Bool) = state.withLock { state in
            guard isStale(state, at: date) else { return (state.snapshot, false) }
            defer { state.unavailableReported = true }
            return (nil, !state.unavailableReported)
        }
        if reportNow {
            let since = state.withLock { $0.lastSuccess }.map { "since \(Int(date.timeIntervalSince($0))) s" } ?? "ever"
            onEvent(
                AuthEvent(
                    .error,
                    "no successful JWKS fetch from \(url.absoluteString) \(since) (JWT_JWKS_MAX_STALENESS \(Int(maxStaleness)) s): "
                        + "refusing every token until a fetch succeeds"
                )
            )
        }
        return snapshot
    }

    private func isStale(_ state: State, at date: Date) -> Bool {
        guard let lastSuccess = state.lastSuccess else { return true }
        return date.timeIntervalSince(lastSuccess) > maxStaleness
    }

    private func fetch(now: Date) async throws {
        do {
            let response = try await fetcher(url)
            let parsed: (keys: [String: VerificationKey], defaultKey: VerificationKey?, skipped: [String])
            switch response.status {
            case 200:
                guard response.data.count <= Self.maximumDocumentBytes else {
                    throw AgentOSAuthError(.invalidKey, "the document exceeds \(Self.maximumDocumentBytes) bytes")
                }
                parsed = try KeySet.parseJWKS(response.data)
            case 404, 410:
                // The issuer says nothing is published (e.g. the only key was revoked): no key.
                parsed = ([:], nil, [])
            default:
                throw AgentOSAuthError(.invalidKey, "HTTP status \(response.status)")
            }
            if !parsed.skipped.isEmpty {
                onEvent(AuthEvent(.warning, "JWKS \(url.absoluteString): keys skipped: \(parsed.skipped.joined(separator: "; "))"))
            }
            // Refetch well before the staleness limit, so one failed attempt does not refuse tokens.
            let lifetime = min(Self.usableMaxAge(response.maxAge) ?? defaultMaxAge, maxStaleness / 2)
            state.withLock { state in
                state.snapshot = Snapshot(keys: parsed.keys, defaultKey: parsed.defaultKey)
                state.generation += 1
                state.freshUntil = now.addingTimeInterval(lifetime)
                state.lastSuccess = now
                state.unavailableReported = false
            }
            VerifierMetrics.jwksFetch(succeeded: true)
        } catch {
            VerifierMetrics.jwksFetch(succeeded: false)
            let message = (error as? AgentOSAuthError)?.message ?? "\(error)"
            let lastSuccess = state.withLock { $0.lastSuccess }
            if let lastSuccess, now.timeIntervalSince(lastSuccess) <= maxStaleness {
                let age = Int(now.timeIntervalSince(lastSuccess))
                onEvent(
                    AuthEvent(
                        .warning,
                        "fetching JWKS from \(url.absoluteString) failed: \(message); keeping the keys fetched \(age) s ago "
                            + "(tokens are refused once they are \(Int(maxStaleness)) s old)"
                    )
                )
            } else {
                onEvent(AuthEvent(.error, "fetching JWKS from \(url.absoluteString) failed: \(message); every token is refused"))
            }
            throw AgentOSAuthError(.invalidKey, "fetching JWKS from \(url.absoluteString) failed: \(message)")
        }
    }

    /// A `max-age` a fetcher reported, if it is a finite, non-negative number, capped at 24 h.
    static func usableMaxAge(_ maxAge: TimeInterval?) -> TimeInterval? {
        guard let maxAge, maxAge.isFinite, maxAge >= 0 else { return nil }
        return min(maxAge, maximumMaxAge)
    }

    /// `max-age` of a `Cache-Control` value, capped at 24 h; `no-store`/`no-cache` mean 0.
    ///
    /// A `max-age` that is not a non-negative integer (`inf`, `1e9`, `-1`, `1.5`) is ignored, so
    /// the default lifetime applies.
    public static func maxAge(_ cacheControl: String?) -> TimeInterval? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let part = directive.trimmingCharacters(in: .whitespaces).lowercased()
            if part == "no-store" || part == "no-cache" { return 0 }
            guard part.hasPrefix("max-age=") else { continue }
            var digits = Substring(part.dropFirst(8))
            // RFC 9111 also allows the quoted form.
            if digits.count >= 2, digits.first == "\"", digits.last == "\"" { digits = digits.dropFirst().dropLast() }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            // Anything longer than 24 h is capped, so long digit strings need not be parsed exactly.
            guard digits.count <= 9, let seconds = Int(digits) else { return maximumMaxAge }
            return min(TimeInterval(seconds), maximumMaxAge)
        }
        return nil
    }
}
