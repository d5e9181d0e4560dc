public import Foundation

/// A JWKS fetched from a URL (`JWT_JWKS_URL`), cached as a ``CachedRemoteDocument``.
///
/// * Cached for the response's `Cache-Control: max-age` (at most 24 h; the ``policy``'s default
///   lifetime when absent or not a non-negative integer), refetched when stale or when a token
///   names an unknown `kid` — at most once per refetch interval; requests arriving while a fetch
///   runs wait for it.
/// * Every successful answer is authoritative: `{"keys": []}`, and a 404 or 410 (nothing
///   published), leave no key, so every token is refused.
/// * Any other failure (network error, another status, a redirect, a body over 64 KiB, not a
///   JWKS) keeps the last good set — until the last success is older than the maximum staleness.
///   From then on ``TokenVerifier`` refuses every token with 401
///   `Invalid token: verification keys unavailable` and an error ``AuthEvent`` is reported.
public final class RemoteJWKS: Sendable {
    /// The largest JWKS document accepted (64 KiB).
    public static let maximumDocumentBytes = 65_536

    struct Snapshot: Sendable {
        var keys: [String: VerificationKey] = [:]
        var defaultKey: VerificationKey?
    }

    /// The JWKS URL.
    public let url: URL
    /// How often the JWKS is fetched and how long its keys are used (`JWT_JWKS_REFETCH_INTERVAL`,
    /// `JWT_JWKS_MAX_STALENESS`).
    public var policy: RemoteDocumentPolicy { document.policy }
    let onEvent: AuthEventHandler
    private let document: CachedRemoteDocument<Snapshot>

    /// A remote JWKS; call ``refresh(now:)`` once at start-up.
    ///
    /// - Parameters:
    ///   - policy: the refetch interval, the lifetime without `max-age` and the maximum staleness.
    ///   - fetcher: how to fetch (`AgentOSAuthHTTPClient` has one); it is asked for the URL
    ///     with the rules of ``DocumentRequest`` and a 64 KiB limit.
    ///   - onEvent: where failed fetches and stale keys are reported.
    ///   - osID: the OS this verifier guards, named in each fetch (``DocumentRequest/osID``).
    public init(
        url: URL,
        policy: RemoteDocumentPolicy = .jwks,
        fetcher: @escaping DocumentFetcher,
        onEvent: @escaping AuthEventHandler = AuthEvent.standardError,
        osID: String? = nil
    ) {
        self.url = url
        self.onEvent = onEvent
        let source = url.absoluteString
        document = CachedRemoteDocument(
            request: DocumentRequest(
                url: url,
                accept: "application/json",
                maximumBytes: Self.maximumDocumentBytes,
                setting: "JWT_JWKS_URL",
                name: "the JWKS",
                osID: osID
            ),
            fetcher: fetcher,
            policy: policy,
            reports: .init(
                fetchFailed: { message, keptAge in
                    guard let keptAge else {
                        onEvent(AuthEvent(.error, "fetching JWKS from \(source) failed: \(message); every token is refused"))
                        return
                    }
                    onEvent(
                        AuthEvent(
                            .warning,
                            "fetching JWKS from \(source) failed: \(message); keeping the keys fetched \(Int(keptAge)) s ago "
                                + "(tokens are refused once they are \(Int(policy.maxStaleness)) s old)"
                        )
                    )
                },
                unavailable: { sinceSuccess in
                    let since = sinceSuccess.map { "since \(Int($0)) s" } ?? "ever"
                    onEvent(
                        AuthEvent(
                            .error,
                            "no successful JWKS fetch from \(source) \(since) (JWT_JWKS_MAX_STALENESS \(Int(policy.maxStaleness)) s): "
                                + "refusing every token until a fetch succeeds"
                        )
                    )
                },
                fetched: { VerifierMetrics.jwksFetch(succeeded: $0) }
            )
        )
    }

    /// Changes whenever a fetch succeeds; cached verifications of older generations are dropped.
    var generation: Int { document.generation }

    /// Fetches now, regardless of the refetch interval.
    ///
    /// - Throws: ``AgentOSAuthError`` (``AgentOSAuthError/Code/invalidKey``) when the fetch or parse fails; the previous keys stay.
    public func refresh(now: Date = Date()) async throws {
        do {
            try await document.refresh(at: now, load: parse)
        } catch {
            throw AgentOSAuthError(.invalidKey, "fetching JWKS from \(url.absoluteString) failed: \(error.message)")
        }
    }

    /// Whether ``keys(at:unknownKeyID:)`` has work to do at `date`: the cached set is past its
    /// `max-age` or past the maximum staleness (a lock, no I/O).
    func needsAttention(at date: Date) -> Bool {
        document.needsAttention(at: date)
    }

    /// The keys to use at `date`, or `nil` when the last successful fetch is older than the
    /// maximum staleness (fail closed). Refetches (rate limited) when the cache is past its
    /// `max-age` or when `unknownKeyID` is given.
    func keys(at date: Date, unknownKeyID: String?) async -> Snapshot? {
        await document.value(at: date, forceFetch: unknownKeyID != nil, load: parse)
    }

    /// A 200's JWKS; 404 and 410 say nothing is published: no key.
    private var parse: CachedRemoteDocument<Snapshot>.Load {
        { [url, onEvent] response in
            let parsed: (keys: [String: VerificationKey], defaultKey: VerificationKey?, skipped: [String])
            switch response.status {
            case 200: parsed = try KeySet.parseJWKS(response.data)
            // The issuer says nothing is published (e.g. the only key was revoked): no key.
            case 404, 410: parsed = ([:], nil, [])
            default: throw AgentOSAuthError(.invalidKey, "HTTP status \(response.status)")
            }
            if !parsed.skipped.isEmpty {
                onEvent(AuthEvent(.warning, "JWKS \(url.absoluteString): keys skipped: \(parsed.skipped.joined(separator: "; "))"))
            }
            return .init(
                value: Snapshot(keys: parsed.keys, defaultKey: parsed.defaultKey),
                lifetime: FetchedDocument.usableMaxAge(response.maxAge)
            )
        }
    }
}
