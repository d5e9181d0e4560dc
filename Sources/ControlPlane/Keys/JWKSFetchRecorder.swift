public import Foundation
import Logging
import Synchronization

/// Records the JWKS fetches verifiers make naming their OS (``JWKSFetch``).
///
/// A fetch is public and unauthenticated, so recording must cost little whoever sends it: one
/// write per OS per ``interval`` on each replica at most (a burst writes once), into a table
/// whose writes notify no replica (Migrations/0012). A failed write is logged and never fails
/// the fetch.
public final class JWKSFetchRecorder: Sendable {
    /// The shortest time between two writes for one OS on one replica, unless its kids changed.
    public static let interval: TimeInterval = 10

    let store: OSStore
    let logger: Logger
    let now: WallClock
    private let recent = Mutex<[UUID: JWKSFetch]>([:])

    init(store: OSStore, logger: Logger, now: @escaping WallClock) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// Records that `os`'s verifier was served `kids`.
    public func record(_ os: OSInstance, kids: [String]) async {
        let fetch = JWKSFetch(at: now(), kids: kids)
        let due = recent.withLock { recent in
            if let last = recent[os.internalID], last.kids == kids, fetch.at.timeIntervalSince(last.at) < Self.interval {
                return false
            }
            recent[os.internalID] = fetch
            return true
        }
        guard due else { return }
        do {
            try await store.recordJWKSFetch(os: os.internalID, kids: kids, at: fetch.at)
        } catch {
            // Forget it, so the next fetch tries again.
            recent.withLock { _ = $0.removeValue(forKey: os.internalID) }
            logger.warning("could not record a JWKS fetch", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
