import Foundation
import Synchronization

/// A bounded cache of verified tokens keyed by the exact token string, so a client reusing a
/// token pays a hash lookup instead of a signature check. An entry never outlives the token's
/// `exp` (plus leeway), nor a change of the key set (`generation`).
final class VerifiedTokenCache: Sendable {
    struct Entry {
        var token: VerifiedToken
        var validUntil: Date
        var generation: Int
    }

    struct State {
        var entries: [String: Entry] = [:]
        // Insertion order for eviction (oldest first); a cheap stand-in for LRU.
        var order: [String] = []
        var head = 0
    }

    let capacity: Int
    /// Tokens without `exp` are cached at most this long.
    let maximumAge: TimeInterval = 300
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func lookup(_ token: String, now: Date, generation: Int) -> VerifiedToken? {
        guard capacity > 0 else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[token] else { return nil }
            guard entry.validUntil > now, entry.generation == generation else {
                state.entries[token] = nil
                return nil
            }
            return entry.token
        }
    }

    func store(_ token: String, _ verified: VerifiedToken, now: Date, leeway: TimeInterval, generation: Int) {
        guard capacity > 0 else { return }
        var validUntil = now.addingTimeInterval(maximumAge)
        if let exp = verified.expiresAt { validUntil = min(validUntil, exp.addingTimeInterval(leeway)) }
        guard validUntil > now else { return }
        state.withLock { state in
            if state.entries[token] == nil {
                while state.entries.count >= capacity, state.head < state.order.count {
                    state.entries[state.order[state.head]] = nil
                    state.head += 1
                }
                if state.head > capacity {
                    state.order.removeFirst(state.head)
                    state.head = 0
                }
                state.order.append(token)
            }
            state.entries[token] = Entry(token: verified, validUntil: validUntil, generation: generation)
        }
    }

    func removeAll() {
        state.withLock { $0 = State() }
    }
}
