import Synchronization

/// A request body on its way to the upstream: whether it went past `GATEWAY_MAX_BODY_BYTES`, and
/// whether the upload is reading from the client right now.
///
/// Hummingbird reads a request's body and the connection's next request from one iterator. When
/// the upstream answers before the upload is done (an open route that ignores bodies, an early
/// 422), Hummingbird starts discarding the rest of the body as soon as the answer is written,
/// while the HTTP client may still be waiting for the next part: two readers of one iterator,
/// which NIO stops with a fatal error (the attack's finding). So the answer ends with
/// ``close()``: no read starts after it, and one in flight is waited for.
///
/// It also records a breach of the cap where it happens, so the responder answers 413 whatever
/// error the HTTP client then reports for the upload it abandoned.
final class RequestUpload: Sendable {
    private struct State {
        var streams = false
        var breached = false
        var closed = false
        var reading = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// The body goes upstream as the client sends it (not read whole first): only then can the
    /// upload still be reading when the answer is written.
    var streams: Bool { state.withLock { $0.streams } }

    func willStream() {
        state.withLock { $0.streams = true }
    }

    /// The body went past the cap.
    var breached: Bool { state.withLock { $0.breached } }

    func recordBreach() {
        state.withLock { $0.breached = true }
    }

    /// Before reading from the client: false once closed (the upload then ends).
    func startRead() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.reading = true
            return true
        }
    }

    /// After a read from the client returned or threw.
    func endRead() {
        let waiter = state.withLock { state in
            state.reading = false
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// No read starts after this; returns once a read in flight has ended (the client sends more,
    /// or its connection ends: `GATEWAY_CLIENT_TIMEOUT` bounds the wait).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                state.closed = true
                guard state.reading else { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
