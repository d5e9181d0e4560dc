public import Foundation
import PostgresNIO

/// Re-sealing the unkeyed chains written before migration 0007. SQL cannot compute the MACs (the
/// key is not in the database), so the application does it at start-up: each chain is verified
/// once as the SHA-256 chain it was, then every event gets its keyed MAC and `audit.resealed`
/// records when. A chain that does not verify is left as it is (and `audit verify` keeps
/// reporting it broken): re-sealing it would bless the damage.
extension AuditTrail {
    /// What re-sealing did: chains sealed, and chains refused because they were already broken.
    public struct SealingReport: Sendable, Equatable {
        public var sealed: [UUID] = []
        public var refused: [UUID] = []
    }

    /// Re-seals every chain that still has unkeyed events; idempotent, safe to run on every start.
    public func sealUnkeyedChains(at date: Date) async throws -> SealingReport {
        var report = SealingReport()
        for org in try await store.unsealedChains() {
            let sealed = try await store.client.transaction(logger: logger) { connection in
                _ = try await store.lockHead(org: org, on: connection)
                let records = try await store.chain(org: org, on: connection)
                guard Self.isIntactUnkeyedChain(records) else { return false }
                var prev = Self.genesis
                for var record in records {
                    record.prevHash = prev
                    record.hash = AuditKeys.mac(record, org: org, key: keys.current.key)
                    try await store.reseal(
                        org: org,
                        seq: record.seq,
                        prevHash: record.prevHash,
                        hash: record.hash,
                        macKey: keys.current.id,
                        on: connection
                    )
                    prev = record.hash
                }
                let resealed = AuditEvent(.auditResealed, "audit", ["events": "\(records.count)", "kek": keys.current.id])
                try await chain([(resealed, AuditActor("system"), date)], org: org, on: connection)
                return true
            }
            if sealed {
                report.sealed.append(org)
                logger.notice("audit chain re-sealed under the KEK-derived key", metadata: ["org": "\(org.lowercased)"])
            } else {
                report.refused.append(org)
                logger.error(
                    "audit chain of an organisation did not verify as an unkeyed chain; left unsealed (audit verify reports it)",
                    metadata: ["org": "\(org.lowercased)"]
                )
            }
        }
        return report
    }

    /// Whether `records` are one complete unkeyed chain: sequence 1…n, each linking to the one
    /// before, each SHA-256 link right (a chain with keyed events too is not re-sealed).
    static func isIntactUnkeyedChain(_ records: [AuditRecord]) -> Bool {
        var prev = genesis
        for (index, record) in records.enumerated() {
            guard record.macKey == nil, record.seq == Int64(index + 1), record.prevHash == prev,
                AuditKeys.legacyDigest(record) == record.hash
            else { return false }
            prev = record.hash
        }
        return true
    }
}
