import Foundation

/// The canonical JSON an audit event's MAC covers, written directly.
///
/// The chain's MACs were defined over `JSONSerialization`'s output (sorted keys, slashes not
/// escaped), which was 13.5 % of a bulk change's CPU (docs/performance.md). Every existing event
/// must keep verifying, so these bytes must be exactly those: they are written here only for the
/// inputs where the two are proven identical (`AuditCanonicalJSONTests` compares them over
/// random events), and ``bytes(_:org:)`` answers `nil` for anything else, which then goes through
/// `JSONSerialization` as before. The class: every text of printable ASCII but `"` and `\` (no
/// escaping differences), detail keys of lowercase ASCII letters and `_` (no sort-order
/// differences).
enum AuditCanonicalJSON {
    /// The bytes for `record` in `org`'s chain, or `nil` outside the proven class.
    static func bytes(_ record: AuditRecord, org: UUID) -> [UInt8]? {
        let keys = record.details.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard keys.allSatisfy(isPlainKey), record.details.values.allSatisfy(isPlain),
            [record.actor, record.action, record.target, record.prevHash].allSatisfy(isPlain)
        else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func text(_ value: String) {
            out.append(0x22)
            out.append(contentsOf: value.utf8)
            out.append(0x22)
        }
        func field(_ name: String) {
            text(name)
            out.append(0x3A)
        }
        // Top-level keys in sorted order: action, actor, at, details, org, prev, seq, target.
        out.append(0x7B)
        field("action")
        text(record.action)
        out.append(0x2C)
        field("actor")
        text(record.actor)
        out.append(0x2C)
        field("at")
        out.append(contentsOf: String(Int64(record.at.timeIntervalSince1970)).utf8)
        out.append(0x2C)
        field("details")
        out.append(0x7B)
        for (index, key) in keys.enumerated() {
            if index > 0 { out.append(0x2C) }
            field(key)
            text(record.details[key] ?? "")
        }
        out.append(0x7D)
        out.append(0x2C)
        field("org")
        text(org.uuidString.lowercased())
        out.append(0x2C)
        field("prev")
        text(record.prevHash)
        out.append(0x2C)
        field("seq")
        out.append(contentsOf: String(record.seq).utf8)
        out.append(0x2C)
        field("target")
        text(record.target)
        out.append(0x7D)
        return out
    }

    /// Printable ASCII other than `"` and `\`.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C }
    }

    /// Lowercase ASCII letters and `_`, at least one.
    static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F }
    }
}
