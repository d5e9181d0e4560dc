import Crypto
import Foundation

/// What a secret must be stored as, computed here with swift-crypto's SHA-256 and the documented
/// formats (docs/access.md, docs/security.md), never with the product's own `Secrets.hash`: a
/// product that stored secrets in clear, or hashed them with itself, would otherwise pass.
enum StoredDigest {
    /// Bearer secrets and one-time codes: SHA-256 of the secret's UTF-8 bytes.
    static func of(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    /// Recovery codes: SHA-256 of `agentos-cp/recovery-code/v1|<user id, lower case>|<code without dashes>`,
    /// so equal codes of two users differ at rest.
    static func recovery(_ code: String, user: UUID) -> Data {
        let normalised = code.replacingOccurrences(of: "-", with: "")
        return of("agentos-cp/recovery-code/v1|\(user.uuidString.lowercased())|\(normalised)")
    }
}
