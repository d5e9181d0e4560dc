public import Foundation
import Logging
import PostgresNIO

/// The append-only audit trail: one chain per organisation, plus one for events of no
/// organisation (`systemChain`). Each event's `hash` is an HMAC-SHA256 — under a key derived from
/// the KEK, never stored in the database — of the organisation, the event and the previous MAC,
/// so a database writer can neither edit, reorder nor delete events in the middle unnoticed, and
/// an operator who pins the head (`seq:mac`) also notices a cut tail. Every mutation appends its
/// event in its own transaction, so a change and its record commit together (`docs/api.md`):
/// into the inbox, chained in groups by the ``AuditSequencer`` before the change is answered.
public struct AuditTrail: Sendable {
    let store: AuditStore
    let keys: AuditKeys
    let logger: Logger

    static let genesis = String(repeating: "0", count: 64)

    /// The chain of events that belong to no organisation: superuser and API keys, account MFA.
    public static let systemChain = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    init(store: AuditStore, masterKeys: MasterKeys, logger: Logger) {
        self.store = store
        self.keys = AuditKeys(masterKeys)
        self.logger = logger
    }

    /// Appends `event` to `org`'s trail inside the caller's transaction: into the inbox, so the
    /// change and its record commit together without waiting on the chain's lock; the
    /// ``AuditSequencer`` chains it before the request is answered (``chainPending()``).
    func append(_ event: AuditEvent, org: UUID, by actor: AuditActor, at date: Date, on connection: PostgresConnection) async throws {
        let nonce = UUID()
        // Whole seconds, as the chain keeps them, stored as such: a time stored to the microsecond
        // could round up into the next second (x.9999996 s) and no longer match its MAC.
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let mac = AuditKeys.inboxMAC(
            nonce: nonce,
            org: org,
            seconds: Int64(seconds),
            actor: actor.id,
            action: event.action.rawValue,
            target: event.target,
            details: event.details,
            key: keys.current.key
        )
        let pending = PendingAuditEvent(event: event, org: org, actor: actor, at: Date(timeIntervalSince1970: seconds))
        try await store.enqueue(pending, nonce: nonce, mac: mac, macKey: keys.current.id, on: connection)
    }

    /// Chains `events` in order inside the caller's transaction, under `org`'s chain lock: one
    /// lock and one insert for all of them. Answers the new head (`nil` for an empty chain).
    @discardableResult
    func chain(_ events: [(AuditEvent, AuditActor, Date)], org: UUID, on connection: PostgresConnection) async throws -> AuditHead? {
        let head = try await store.lockHead(org: org, on: connection)
        let given = events.map { (action: $0.0.action.rawValue, target: $0.0.target, details: $0.0.details, actor: $0.1.id, at: $0.2) }
        return try await chainRecords(given, org: org, after: head, on: connection).head
    }

    /// Chains events already in stored form after `head` (the caller holds the lock).
    func chainRecords(
        _ events: [(action: String, target: String, details: [String: String], actor: String, at: Date)],
        org: UUID,
        after head: (seq: Int64, hash: String)?,
        on connection: PostgresConnection
    ) async throws -> (head: AuditHead?, added: Int) {
        var seq = head?.seq ?? 0
        var previous = head?.hash ?? Self.genesis
        var records: [AuditRecord] = []
        records.reserveCapacity(events.count)
        for event in events {
            seq += 1
            var record = AuditRecord(
                seq: seq,
                at: Date(timeIntervalSince1970: event.at.timeIntervalSince1970.rounded(.down)),
                actor: event.actor,
                action: event.action,
                target: event.target,
                details: event.details,
                prevHash: previous,
                hash: "",
                macKey: keys.current.id
            )
            record.hash = AuditKeys.mac(record, org: org, key: keys.current.key)
            previous = record.hash
            records.append(record)
        }
        try await store.insert(records, org: org, on: connection)
        let newHead = records.last.map { AuditHead(seq: $0.seq, mac: $0.hash) } ?? head.map { AuditHead(seq: $0.seq, mac: $0.hash) }
        return (newHead, records.count)
    }

    /// Appends to the chain of events without an organisation.
    func appendSystem(_ event: AuditEvent, by actor: AuditActor, at date: Date, on connection: PostgresConnection) async throws {
        _ = try await append(event, org: Self.systemChain, by: actor, at: date, on: connection)
    }

    /// Closes a deleted organisation's chain: `org.deleted` as its last event, and the same event
    /// in the system chain with the organisation's id, slug and final head, so the deletion and
    /// the way to the old chain (`GET /v1/audit?org=<id>`, superuser) outlive the slug, which a
    /// new organisation may take (docs/security.md, "The audit trail outlives what it describes").
    func closeChain(org: Organization, by actor: AuditActor, at date: Date, on connection: PostgresConnection) async throws {
        // The system chain's lock first, as every transaction that appends to several chains
        // takes them (the all-zero id first, then by id): no cycle of waits.
        _ = try await store.lockHead(org: Self.systemChain, on: connection)
        // What waits for this chain goes before its last event.
        try await recordRejected(try await chainInbox(org: org.id, on: connection).rejected, on: connection)
        guard let head = try await chain([(.init(.orgDeleted, "org:\(org.slug)"), actor, date)], org: org.id, on: connection)
        else { return }
        let event = AuditEvent(
            .orgDeleted,
            "org:\(org.slug)",
            ["org_id": org.id.uuidString.lowercased(), "name": org.name, "head": "\(head.seq):\(head.mac)"]
        )
        try await chain([(event, actor, date)], org: Self.systemChain, on: connection)
    }

    /// Events newest first (`readAudit`); `before` pages by `seq`.
    public func list(_ access: OrgAccess, limit: Int, before: Int64?) async throws -> [AuditRecord] {
        try access.require(.readAudit)
        try await chainPending()
        return try await list(chain: access.org.id, limit: limit, before: before)
    }

    /// The system chain's events, newest first (the superuser key only); with `org`, the chain of
    /// that organisation by id instead — also after it was deleted.
    public func listSystem(_ caller: Caller, org: UUID? = nil, limit: Int, before: Int64?) async throws -> [AuditRecord] {
        try Self.requireSuperuser(caller)
        try await chainPending()
        return try await list(chain: org ?? Self.systemChain, limit: limit, before: before)
    }

    private func list(chain: UUID, limit: Int, before: Int64?) async throws -> [AuditRecord] {
        guard (1...500).contains(limit) else { throw ControlPlaneError.invalid("limit must be 1-500") }
        if let before, before < 1 { throw ControlPlaneError.invalid("before must be a positive sequence number") }
        return try await store.list(org: chain, limit: limit, before: before)
    }

    /// What a chain check found.
    public struct ChainReport: Sendable {
        /// How many events the chain holds.
        public var events: Int
        /// The first event whose MAC, link or sequence number does not match; `nil` when intact.
        public var firstBroken: AuditRecord?
        /// The last event as stored (pin it to detect a cut tail later); `nil` for an empty chain.
        public var head: AuditHead?
        /// Why the chain does not verify; `nil` when it does.
        public var problem: String?

        public var verified: Bool { problem == nil }
    }

    /// Recomputes the organisation's whole chain, oldest first (`readAudit`); with `expectedHead`
    /// (a head pinned earlier) the chain must still hold that event with that MAC.
    public func verify(_ access: OrgAccess, expectedHead: AuditHead? = nil) async throws -> ChainReport {
        try access.require(.readAudit)
        try await chainPending()
        return try await verify(chain: access.org.id, expectedHead: expectedHead)
    }

    /// Verifies the system chain (the superuser key only); with `org`, that organisation's chain.
    public func verifySystem(_ caller: Caller, org: UUID? = nil, expectedHead: AuditHead? = nil) async throws -> ChainReport {
        try Self.requireSuperuser(caller)
        try await chainPending()
        return try await verify(chain: org ?? Self.systemChain, expectedHead: expectedHead)
    }

    func verify(chain org: UUID, expectedHead: AuditHead?) async throws -> ChainReport {
        let records = try await store.chain(org: org)
        var report = ChainReport(events: records.count, head: records.last.map { AuditHead(seq: $0.seq, mac: $0.hash) })
        if let (record, problem) = firstBreak(records, org: org) {
            report.firstBroken = record
            report.problem = problem
            return report
        }
        if let expectedHead {
            let pinned = records.first { $0.seq == expectedHead.seq }
            if pinned?.hash != expectedHead.mac {
                report.problem =
                    pinned == nil
                    ? "the pinned head \(expectedHead.seq) is past the chain's end (\(report.head?.seq ?? 0)): events were cut off"
                    : "event \(expectedHead.seq) no longer has the pinned MAC: the chain was rewritten"
            }
        }
        return report
    }

    /// The first event that breaks the chain, and why.
    private func firstBreak(_ records: [AuditRecord], org: UUID) -> (AuditRecord, String)? {
        var prev = Self.genesis
        var expectedSeq: Int64 = 1
        for record in records {
            if record.seq != expectedSeq { return (record, "event \(expectedSeq) is missing (the next is \(record.seq))") }
            if record.prevHash != prev { return (record, "event \(record.seq) does not link to the event before it") }
            guard let id = record.macKey else {
                return (record, "event \(record.seq) is unkeyed: its chain did not verify when it was to be sealed")
            }
            guard let key = keys.all[id] else {
                return (record, "event \(record.seq) is sealed under KEK \(id), which is not configured")
            }
            if AuditKeys.mac(record, org: org, key: key) != record.hash {
                return (record, "event \(record.seq) does not match its MAC (altered or moved)")
            }
            prev = record.hash
            expectedSeq += 1
        }
        return nil
    }

    static func requireSuperuser(_ caller: Caller) throws {
        guard case .superuser = caller.identity else {
            throw ControlPlaneError.forbidden("only a superuser key reads the audit chain of events without an organisation")
        }
    }
}
