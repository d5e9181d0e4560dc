import AgentOSAuth
import Foundation
import PostgresNIO

extension AuditTrail {
    /// An inbox row refused rather than chained.
    struct Rejected: Sendable {
        var org: UUID
        var action: String
        var reason: String
    }

    /// Chains every event waiting in the inbox, every chain in one transaction (the system chain's
    /// lock first, then each chain's in id order, as every transaction that appends to several
    /// chains takes them); answers how many events it chained. Rows that do not check out are
    /// recorded in the system chain instead (``chainInbox(org:on:)``). The ``AuditSequencer`` runs
    /// it in groups; audit reads and start-up run it directly, so nothing written by a process
    /// that stopped (or by an admin command, which runs no sequencer) stays unchained.
    @discardableResult
    public func chainPending() async throws -> Int {
        try await store.client.transaction(logger: logger) { connection in
            _ = try await store.lockHead(org: Self.systemChain, on: connection)
            var chained = 0
            var rejected: [Rejected] = []
            for org in try await store.inboxChains(on: connection).sorted(by: { $0.uuidString < $1.uuidString }) {
                let outcome = try await chainInbox(org: org, on: connection)
                chained += outcome.added
                rejected += outcome.rejected
            }
            try await recordRejected(rejected, on: connection)
            return chained
        }
    }

    /// Chains `org`'s waiting rows that check out (their MAC under a configured KEK's audit key,
    /// a nonce never chained before, a time within 1970-9999, details an object of strings); the
    /// others are taken off the inbox and answered, for the system chain. The caller holds the
    /// system chain's lock.
    func chainInbox(org: UUID, on connection: PostgresConnection) async throws -> (added: Int, rejected: [Rejected]) {
        let head = try await store.lockHead(org: org, on: connection)
        let rows = try await store.takeInbox(org: org, on: connection)
        guard !rows.isEmpty else { return (0, []) }
        let spent = try await store.spent(rows.map(\.nonce), on: connection)
        var accepted: [(action: String, target: String, details: [String: String], actor: String, at: Date)] = []
        var nonces: [UUID] = []
        var rejected: [Rejected] = []
        for row in rows {
            switch check(row, org: org, spent: spent.union(nonces)) {
            case .success(let event):
                accepted.append(event)
                nonces.append(row.nonce)
            case .failure(let reason):
                rejected.append(Rejected(org: org, action: String(row.action.prefix(64)), reason: reason.text))
            }
        }
        try await store.spend(nonces, on: connection)
        let added = try await chainRecords(accepted, org: org, after: head, on: connection).added
        return (added, rejected)
    }

    /// Records refused rows in the system chain (its lock held by the caller).
    func recordRejected(_ rejected: [Rejected], on connection: PostgresConnection) async throws {
        guard !rejected.isEmpty else { return }
        let events = rejected.map {
            (
                AuditEvent(.auditInboxRejected, "audit", ["org_id": $0.org.lowercased, "action": $0.action, "reason": $0.reason]),
                AuditActor("system"), Date()
            )
        }
        try await chain(events, org: Self.systemChain, on: connection)
        logger.error(
            "audit inbox rows refused: their MAC, nonce, time or content did not check out",
            metadata: ["count": "\(rejected.count)"]
        )
    }

    private struct Refusal: Error {
        var text: String
    }

    private func check(_ row: AuditStore.InboxRow, org: UUID, spent: Set<UUID>) -> Result<
        (action: String, target: String, details: [String: String], actor: String, at: Date), Refusal
    > {
        guard let seconds = row.seconds else { return .failure(Refusal(text: "time out of range")) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(row.details.utf8)) as? [String: Any],
            let details = object as? [String: String], details.count == object.count
        else { return .failure(Refusal(text: "details are not an object of strings")) }
        guard let key = keys.all[row.macKey] else { return .failure(Refusal(text: "MAC under an unknown key")) }
        let expected = AuditKeys.inboxMAC(
            nonce: row.nonce,
            org: org,
            seconds: Int64(seconds.rounded(.down)),
            actor: row.actor,
            action: row.action,
            target: row.target,
            details: details,
            key: key
        )
        guard AuthGate.constantTimeEquals(Array(expected.utf8), Array(row.mac.utf8)) else {
            return .failure(Refusal(text: "MAC does not match"))
        }
        guard !spent.contains(row.nonce) else { return .failure(Refusal(text: "nonce already chained (a copied row)")) }
        return .success((row.action, row.target, details, row.actor, Date(timeIntervalSince1970: seconds)))
    }
}
