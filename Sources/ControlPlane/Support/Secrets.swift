import AgentOSAuth
import Crypto
import Foundation

/// Bearer secrets (API keys, sessions, service-account and OS security keys): 32 random bytes,
/// base64url, behind a prefix that says what they are. Shown once; stored only as SHA-256.
enum Secrets {
    /// `prefix` + 32 random bytes, base64url.
    static func generate(prefix: String) -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
    }

    /// What is stored and looked up: SHA-256 of the secret (high-entropy, so no salt or KDF).
    static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }
}

extension UUID {
    /// The lower-case form used in audit targets and token subjects.
    var lowercased: String { uuidString.lowercased() }
}
