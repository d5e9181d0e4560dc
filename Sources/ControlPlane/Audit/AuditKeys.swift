import Crypto
import Foundation

/// The audit chain's MAC keys: HKDF-SHA256 of each KEK, so they exist only where the KEKs are
/// (never in the database). The current KEK's key seals new events; every configured KEK's key
/// verifies, so a KEK rotation keeps old events verifiable while the old KEK stays configured.
struct AuditKeys: Sendable {
    let current: (id: String, key: SymmetricKey)
    let all: [String: SymmetricKey]

    init(_ masterKeys: MasterKeys) {
        let derived = masterKeys.entries.map { entry in
            (
                entry.id,
                HKDF<SHA256>.deriveKey(
                    inputKeyMaterial: entry.key,
                    salt: Data("agentos-cp/audit-chain".utf8),
                    info: Data("audit-event-mac/v1".utf8),
                    outputByteCount: 32
                )
            )
        }
        current = derived[0]
        all = Dictionary(derived, uniquingKeysWith: { first, _ in first })
    }

    /// HMAC-SHA256 (hex) of the event's canonical JSON — organisation, sequence number, time (whole
    /// seconds), actor, action, target, details and the previous event's MAC — under `key`.
    static func mac(_ record: AuditRecord, org: UUID, key: SymmetricKey) -> String {
        let json = AuditCanonicalJSON.bytes(record, org: org).map { Data($0) } ?? foundationCanonical(record, org: org)
        return hex(HMAC<SHA256>.authenticationCode(for: json, using: key))
    }

    /// The canonical JSON as `JSONSerialization` writes it: the definition, and the path for the
    /// events ``AuditCanonicalJSON`` does not write.
    static func foundationCanonical(_ record: AuditRecord, org: UUID) -> Data {
        let canonical: [String: Any] = [
            "org": org.lowercased, "seq": record.seq, "at": Int64(record.at.timeIntervalSince1970), "actor": record.actor,
            "action": record.action, "target": record.target, "details": record.details, "prev": record.prevHash,
        ]
        return (try? JSONSerialization.data(withJSONObject: canonical, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// Lowercase hex (`String(format: "%02x")` per byte was 3 % of a bulk change's CPU).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The unkeyed SHA-256 link of the chains written before 0007 (checked once, before re-sealing).
    static func legacyDigest(_ record: AuditRecord) -> String {
        let canonical: [String: Any] = [
            "seq": record.seq, "at": Int64(record.at.timeIntervalSince1970), "actor": record.actor, "action": record.action,
            "target": record.target, "details": record.details,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: canonical, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return SHA256.hash(data: Data(record.prevHash.utf8) + json).map { String(format: "%02x", $0) }.joined()
    }
}
