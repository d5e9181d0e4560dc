import Crypto
import Foundation

extension AuditKeys {
    /// The MAC of an inbox row (hex): HMAC-SHA256 under `key` of a length-prefixed encoding of a
    /// domain tag, the nonce, the organisation, the time in whole seconds, the actor, the action,
    /// the target and the details (sorted by key). Distinct from an event's MAC by its tag, so
    /// neither can stand for the other.
    static func inboxMAC(
        nonce: UUID,
        org: UUID,
        seconds: Int64,
        actor: String,
        action: String,
        target: String,
        details: [String: String],
        key: SymmetricKey
    ) -> String {
        var message: [UInt8] = []
        func field(_ text: String) {
            message.append(contentsOf: "\(text.utf8.count):".utf8)
            message.append(contentsOf: text.utf8)
        }
        field("agentos-cp/audit-inbox/v1")
        field(nonce.lowercased)
        field(org.lowercased)
        field(String(seconds))
        field(actor)
        field(action)
        field(target)
        field(String(details.count))
        for name in details.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            field(name)
            field(details[name] ?? "")
        }
        return hex(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }
}
