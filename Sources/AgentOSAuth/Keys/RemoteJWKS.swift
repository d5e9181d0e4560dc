public import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A JWKS fetched from a URL (`JWT_JWKS_URL`): cached for its `Cache-Control: max-age`,
/// refetched when stale or when a token names an unknown `kid` — at most once per
/// ``refetchInterval`` — and kept when a fetch fails.
public final class RemoteJWKS: Sendable {
    /// A fetched document and how long it may be cached.
    public struct Response: Sendable {
        /// The JWKS JSON.
        public var data: Data
        /// `max-age` of `Cache-Control`, if sent.
        public var maxAge: TimeInterval?

        /// A response.
        public init(data: Data, maxAge: TimeInterval?) {
            self.data = data
            self.maxAge = maxAge
        }
    }

    /// Fetches the document at a URL.
    public typealias Fetcher = @Sendable (URL) async throws -> Response

    struct Snapshot: Sendable {
        var keys: [String: VerificationKey] = [:]
        var defaultKey: VerificationKey?
    }

    struct State {
        var snapshot = Snapshot()
        var generation = 0
        var freshUntil = Date.distantPast
        var lastAttempt = Date.distantPast
    }

    /// The JWKS URL.
    public let url: URL
    /// Minimum time between two fetches triggered by unknown `kid`s or staleness.
    public let refetchInterval: TimeInterval
    /// Cache lifetime when the server sends no `max-age`.
    public let defaultMaxAge: TimeInterval
    let fetcher: Fetcher
    private let state = Mutex(State())

    /// A remote JWKS; call ``refresh(now:)`` once at start-up.
    public init(url: URL, refetchInterval: TimeInterval = 30, defaultMaxAge: TimeInterval = 300, fetcher: Fetcher? = nil) {
        self.url = url
        self.refetchInterval = refetchInterval
        self.defaultMaxAge = defaultMaxAge
        self.fetcher = fetcher ?? RemoteJWKS.urlSessionFetcher
    }

    /// Changes whenever a fetch changes the key set; cached verifications of older generations are dropped.
    var generation: Int { state.withLock { $0.generation } }

    /// Fetches now, regardless of the refetch interval.
    ///
    /// - Throws: ``AgentOSAuthError`` (``AgentOSAuthError/Code/invalidKey``) when the fetch or parse fails; the previous keys stay.
    public func refresh(now: Date = Date()) async throws {
        state.withLock { $0.lastAttempt = now }
        try await fetch(now: now)
    }

    /// Whether the cached set is stale and a refetch is allowed at `date` (a lock, no I/O).
    func isDue(at date: Date) -> Bool {
        state.withLock { date >= $0.freshUntil && date.timeIntervalSince($0.lastAttempt) >= refetchInterval }
    }

    /// The keys to use at `date`. Refetches (rate limited) when the cache is stale or when
    /// `unknownKeyID` is given.
    func keys(at date: Date, unknownKeyID: String?) async -> Snapshot {
        let shouldFetch: Bool = state.withLock { state in
            let due = unknownKeyID != nil || date >= state.freshUntil
            guard due, date.timeIntervalSince(state.lastAttempt) >= refetchInterval else { return false }
            state.lastAttempt = date
            return true
        }
        if shouldFetch { try? await fetch(now: date) }
        return state.withLock { $0.snapshot }
    }

    private func fetch(now: Date) async throws {
        do {
            let response = try await fetcher(url)
            let parsed = try KeySet.parseJWKS(response.data)
            state.withLock { state in
                state.snapshot = Snapshot(keys: parsed.keys, defaultKey: parsed.defaultKey)
                state.generation += 1
                state.freshUntil = now.addingTimeInterval(response.maxAge ?? defaultMaxAge)
            }
        } catch {
            let message = (error as? AgentOSAuthError)?.message ?? "\(error)"
            throw AgentOSAuthError(.invalidKey, "fetching JWKS from \(url.absoluteString) failed: \(message)")
        }
    }

    /// Fetches with `URLSession`, reading `max-age` from `Cache-Control`.
    public static let urlSessionFetcher: Fetcher = { url in
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw AgentOSAuthError(.invalidKey, "HTTP status \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return Response(data: data, maxAge: maxAge(http.value(forHTTPHeaderField: "Cache-Control")))
    }

    /// `max-age` of a `Cache-Control` value; `no-store`/`no-cache` mean 0.
    public static func maxAge(_ cacheControl: String?) -> TimeInterval? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let part = directive.trimmingCharacters(in: .whitespaces).lowercased()
            if part == "no-store" || part == "no-cache" { return 0 }
            if part.hasPrefix("max-age="), let seconds = TimeInterval(part.dropFirst(8)) { return max(0, seconds) }
        }
        return nil
    }
}
