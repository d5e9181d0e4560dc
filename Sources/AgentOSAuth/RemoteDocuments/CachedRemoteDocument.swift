import Foundation
import Synchronization

/// A document fetched from one URL and cached, used while it is fresh enough and refused once it
/// is not: the JWKS of ``RemoteJWKS`` and each list of ``StatusListChecker``, timed by
/// their ``RemoteDocumentPolicy``.
///
/// * A value is fresh for its lifetime (the document's own, else the policy's default lifetime;
///   at most 24 h and half of the maximum staleness, so one failed refetch never reaches the
///   limit), then refetched when next asked for — or sooner when the caller forces it — at most
///   once per refetch interval.
/// * One fetch at a time: a caller whose value is due while a fetch runs waits for that fetch
///   rather than start another.
/// * A failed fetch keeps the last good value until the last success is older than the maximum
///   staleness or the value's own expiry passes; from then on there is no value (fail
///   closed), which is reported once until a fetch succeeds again.
/// * A document that says when it was issued is as old as that says, not as old as its fetch: a
///   stale copy (a shared cache, a lagging replica, a replay) past the maximum staleness is not
///   used, and one issued before the value held is refused as a failed fetch, so a revocation
///   once seen (by this process) is never undone by an older list; one issued at the same time
///   is combined with the held value as its loader says.
final class CachedRemoteDocument<Value: Sendable>: Sendable {
    /// A fetched document's value and how long it may be used.
    struct Loaded: Sendable {
        var value: Value
        /// How long the value is fresh (`nil`: the policy's default lifetime).
        var lifetime: TimeInterval?
        /// When the value stops being usable at all, whatever the staleness limit says.
        var expiresAt: Date?
        /// When the document was issued (a status list's `iat`); `nil`: when it was fetched.
        var issuedAt: Date?
        /// What to hold when the value held was issued at the same time (`iat` has whole
        /// seconds, so two lists of one second may differ): given the held value, the one to
        /// keep. `nil`: the fetched value.
        var sameIssueTime: (@Sendable (Value) -> Value)?
    }

    /// Turns a fetched document into a value; throwing makes the fetch a failed one.
    typealias Load = @Sendable (FetchedDocument) async throws -> Loaded

    /// A failed fetch, with the reason in the fetcher's or loader's words.
    struct Failure: Error {
        var message: String
    }

    /// What the cache tells its owner, who words the events.
    struct Reports: Sendable {
        /// A fetch failed, `message` saying why; `keptAge` is how old the value still in use is
        /// (`nil`: none is usable).
        var fetchFailed: @Sendable (_ message: String, _ keptAge: TimeInterval?) -> Void
        /// The value became unusable; `sinceSuccess` is the time since the last successful
        /// fetch (`nil`: none ever).
        var unavailable: @Sendable (_ sinceSuccess: TimeInterval?) -> Void
        /// Every fetch's outcome (metrics).
        var fetched: @Sendable (_ succeeded: Bool) -> Void = { _ in }
    }

    private struct State {
        var value: Value?
        var expiresAt: Date?
        var generation = 0
        var freshUntil = Date.distantPast
        var lastAttempt = Date.distantPast
        var lastSuccess: Date?
        /// The held value's `issuedAt`, if it had one.
        var issuedAt: Date?
        var unavailableReported = false
        var fetching: Task<Result<Void, Failure>, Never>?
    }

    let request: DocumentRequest
    let fetcher: DocumentFetcher
    /// How often to fetch and how long a value is used (``refresh(at:load:)`` ignores the
    /// refetch interval).
    let policy: RemoteDocumentPolicy
    let reports: Reports
    private let state = Mutex(State())

    init(
        request: DocumentRequest,
        fetcher: @escaping DocumentFetcher,
        policy: RemoteDocumentPolicy,
        reports: Reports
    ) {
        self.request = request
        self.fetcher = fetcher
        self.policy = policy
        self.reports = reports
    }

    /// Changes whenever a fetch succeeds.
    var generation: Int { state.withLock { $0.generation } }

    /// When a fetch was last started.
    var lastAttempt: Date { state.withLock { $0.lastAttempt } }

    /// Whether ``value(at:forceFetch:load:)`` has work to do at `date`: the value is due for a
    /// refetch or unusable (a lock, no I/O).
    func needsAttention(at date: Date) -> Bool {
        state.withLock { isDue($0, at: date) }
    }

    /// The value to use at `date`, or `nil` when there is none usable (fail closed). Fetches
    /// first when the value is due or `forceFetch` is set, unless the refetch interval holds
    /// that back; joins a fetch that is under way instead of starting another.
    func value(at date: Date, forceFetch: Bool = false, load: @escaping Load) async -> Value? {
        let fetch: Task<Result<Void, Failure>, Never>? = state.withLock { state in
            guard forceFetch || isDue(state, at: date) else { return nil }
            if let running = state.fetching { return running }
            guard date.timeIntervalSince(state.lastAttempt) >= policy.refetchInterval else { return nil }
            return startFetch(&state, at: date, load: load)
        }
        _ = await fetch?.value
        let (value, reportNow, lastSuccess): (Value?, Bool, Date?) = state.withLock { state in
            guard !isUsable(state, at: date) else { return (state.value, false, state.lastSuccess) }
            defer { state.unavailableReported = true }
            return (nil, !state.unavailableReported, state.lastSuccess)
        }
        if reportNow { reports.unavailable(lastSuccess.map { date.timeIntervalSince($0) }) }
        return value
    }

    /// Fetches now, whatever the refetch interval (or joins the fetch under way).
    ///
    /// - Throws: ``Failure`` when the fetch failed; the last good value stays.
    func refresh(at date: Date, load: @escaping Load) async throws(Failure) {
        let fetch = state.withLock { state in state.fetching ?? startFetch(&state, at: date, load: load) }
        try await fetch.value.get()
    }

    /// Past its lifetime, or no longer usable (a copy fetched already close to the staleness limit
    /// becomes unusable before its lifetime ends).
    private func isDue(_ state: State, at date: Date) -> Bool {
        date >= state.freshUntil || !isUsable(state, at: date)
    }

    private func isExpired(_ state: State, at date: Date) -> Bool {
        state.expiresAt.map { date >= $0 } ?? false
    }

    private func isUsable(_ state: State, at date: Date) -> Bool {
        guard let lastSuccess = state.lastSuccess, state.value != nil else { return false }
        return date.timeIntervalSince(lastSuccess) <= policy.maxStaleness && !isExpired(state, at: date)
    }

    /// Starts the one fetch; every caller that finds it under way awaits the same task, which
    /// ends within the fetcher's deadline whether or not they still wait.
    private func startFetch(_ state: inout State, at date: Date, load: @escaping Load) -> Task<Result<Void, Failure>, Never> {
        state.lastAttempt = date
        let task = Task { await self.fetch(at: date, load: load) }
        state.fetching = task
        return task
    }

    private func fetch(at date: Date, load: Load) async -> Result<Void, Failure> {
        do {
            let document = try await fetcher(request)
            guard document.data.count <= request.maximumBytes else {
                throw AgentOSAuthError(.invalidKey, "the document exceeds \(request.maximumBytes) bytes")
            }
            let loaded = try await load(document)
            let lifetime = min(loaded.lifetime ?? policy.defaultLifetime, FetchedDocument.maximumMaxAge, policy.maxStaleness / 2)
            let older: TimeInterval? = state.withLock { state in
                if let issued = loaded.issuedAt, let held = state.issuedAt, state.value != nil, issued < held {
                    return held.timeIntervalSince(issued)
                }
                if let held = state.value, let combine = loaded.sameIssueTime, loaded.issuedAt != nil, loaded.issuedAt == state.issuedAt {
                    state.value = combine(held)
                } else {
                    state.value = loaded.value
                }
                state.expiresAt = loaded.expiresAt
                state.issuedAt = loaded.issuedAt
                state.generation += 1
                state.freshUntil = date.addingTimeInterval(lifetime)
                state.lastSuccess = min(date, loaded.issuedAt ?? date)
                state.unavailableReported = false
                state.fetching = nil
                return nil
            }
            if let older {
                throw Failure(message: "issued \(Int(older.rounded(.up))) s before the one held (a stale or replayed copy); not used")
            }
            reports.fetched(true)
            return .success(())
        } catch {
            let message = (error as? AgentOSAuthError)?.message ?? "\(error)"
            let keptAge: TimeInterval? = state.withLock { state in
                state.fetching = nil
                return isUsable(state, at: date) ? state.lastSuccess.map { date.timeIntervalSince($0) } : nil
            }
            reports.fetched(false)
            reports.fetchFailed(message, keptAge)
            return .failure(Failure(message: message))
        }
    }
}
