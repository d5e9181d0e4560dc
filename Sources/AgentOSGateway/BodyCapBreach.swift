import Synchronization

/// Whether a request's body went past `GATEWAY_MAX_BODY_BYTES`: recorded by ``CappedBody`` where
/// it happens, so the responder answers 413 whatever error the HTTP client then reports for the
/// upload it abandoned (it may report a timeout or a closed connection instead).
final class BodyCapBreach: Sendable {
    private let breached = Atomic<Bool>(false)

    var happened: Bool { breached.load(ordering: .acquiring) }

    func record() {
        breached.store(true, ordering: .releasing)
    }
}
