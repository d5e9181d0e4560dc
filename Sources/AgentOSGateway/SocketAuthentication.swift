import Synchronization

/// Whether a workflow socket's client has authenticated, shared between the task reading its
/// messages and the timer that closes it otherwise (``WorkflowSocketRelay``).
final class SocketAuthentication: Sendable {
    private let done = Atomic<Bool>(false)

    var happened: Bool { done.load(ordering: .acquiring) }

    func record() {
        done.store(true, ordering: .releasing)
    }
}
