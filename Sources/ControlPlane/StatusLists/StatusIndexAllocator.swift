import Foundation

/// Hands out status-list indices from blocks this process leased (``StatusListStore/leaseBlock``),
/// so issuance takes a database lock once per ``blockSize`` tokens per OS, not per token.
///
/// A block is used for at most ``leaseWindow`` after it was leased and may be leased again
/// (by any process) ``StatusLists/reuseDelay`` after that: by then every token holding one of
/// its indices has expired.
actor StatusIndexAllocator {
    private struct Block {
        var next: Int32
        var end: Int32
        var usableUntil: Date
    }

    let store: StatusListStore
    let blockSize: Int32
    let leaseWindow: TimeInterval
    let reuseDelay: TimeInterval
    let now: WallClock
    private var blocks: [UUID: Block] = [:]
    private struct Lease {
        var id = UUID()
        var task: Task<Int32, any Error>
        var usableUntil: Date
    }

    private var leasing: [UUID: Lease] = [:]

    init(store: StatusListStore, blockSize: Int32, leaseWindow: TimeInterval, reuseDelay: TimeInterval, now: @escaping WallClock) {
        self.store = store
        self.blockSize = blockSize
        self.leaseWindow = leaseWindow
        self.reuseDelay = reuseDelay
        self.now = now
    }

    /// The next index of `os`'s list.
    func index(os: UUID) async throws -> Int32 {
        while true {
            let at = now()
            if let block = blocks[os], block.next < block.end, at < block.usableUntil {
                blocks[os]?.next += 1
                return block.next
            }
            // One lease per OS at a time. Whoever resumes first after it completes installs the
            // block (the creator is not necessarily first), so no waiter finds the lease done
            // but the block missing.
            let lease = leasing[os] ?? startLease(os: os, at: at)
            do {
                let start = try await lease.task.value
                if leasing[os]?.id == lease.id {
                    leasing[os] = nil
                    blocks[os] = Block(next: start, end: start + blockSize, usableUntil: lease.usableUntil)
                }
            } catch {
                if leasing[os]?.id == lease.id { leasing[os] = nil }
                throw error
            }
        }
    }

    private func startLease(os: UUID, at: Date) -> Lease {
        let store = store
        let size = blockSize
        let until = at.addingTimeInterval(leaseWindow + reuseDelay)
        let lease = Lease(
            task: Task { try await store.leaseBlock(os: os, size: size, at: at, until: until) },
            usableUntil: at.addingTimeInterval(leaseWindow)
        )
        leasing[os] = lease
        return lease
    }
}
