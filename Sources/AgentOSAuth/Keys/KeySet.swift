public import Foundation

/// Trusted public keys: static PEM keys (tried in order, `kid` ignored, as Agno does) and JWKS
/// keys (looked up by `kid`; a JWKS key without `kid` is the default).
public struct KeySet: Sendable {
    /// Keys from `JWT_VERIFICATION_KEY`, in order.
    public var staticKeys: [VerificationKey]
    /// JWKS keys by `kid`.
    public var jwksKeys: [String: VerificationKey]
    /// The JWKS key without a `kid` (the last one wins, as in Agno).
    public var jwksDefault: VerificationKey?

    /// A key set.
    public init(staticKeys: [VerificationKey] = [], jwksKeys: [String: VerificationKey] = [:], jwksDefault: VerificationKey? = nil) {
        self.staticKeys = staticKeys
        self.jwksKeys = jwksKeys
        self.jwksDefault = jwksDefault
    }

    /// Whether no key at all is configured.
    public var isEmpty: Bool { staticKeys.isEmpty && jwksKeys.isEmpty && jwksDefault == nil }

    /// Whether some key accepts `algorithm` (no allocation: this runs for every token).
    public func accepts(_ algorithm: SigningAlgorithm) -> Bool {
        jwksDefault?.algorithm == algorithm || staticKeys.contains { $0.algorithm == algorithm }
            || jwksKeys.values.contains { $0.algorithm == algorithm }
    }

    /// Parses `JWT_VERIFICATION_KEY`: one or more concatenated PEM blocks. A `\n` written
    /// literally (a common env-file accident) is read as a newline.
    public static func parsePEMBlocks(_ text: String) throws -> [VerificationKey] {
        let normalized = text.replacingOccurrences(of: "\\n", with: "\n")
        var blocks: [String] = []
        var current: [Substring] = []
        for line in normalized.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-----BEGIN") { current = [] }
            current.append(Substring(trimmed))
            if trimmed.hasPrefix("-----END") {
                blocks.append(current.joined(separator: "\n"))
                current = []
            }
        }
        guard !blocks.isEmpty else {
            throw AgentOSAuthError(.invalidKey, "JWT_VERIFICATION_KEY holds no PEM block (-----BEGIN PUBLIC KEY-----)")
        }
        return try blocks.enumerated().map { index, block in
            do {
                return try VerificationKey(pem: block)
            } catch let error as AgentOSAuthError {
                throw AgentOSAuthError(.invalidKey, "JWT_VERIFICATION_KEY block \(index + 1): \(error.message)")
            }
        }
    }

    /// Parses a JWKS document (`{"keys": [...]}`). Keys of unsupported types are skipped and
    /// reported in `skipped`; a document that is not a JWKS throws.
    public static func parseJWKS(_ data: Data) throws -> (keys: [String: VerificationKey], defaultKey: VerificationKey?, skipped: [String])
    {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = object["keys"] as? [Any]
        else {
            throw AgentOSAuthError(.invalidKey, "not a JWKS document (expected {\"keys\": [...]})")
        }
        var keys: [String: VerificationKey] = [:]
        var defaultKey: VerificationKey?
        var skipped: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let jwk = entry as? [String: Any] else {
                skipped.append("key \(index): not an object")
                continue
            }
            do {
                let key = try JWK.parse(jwk)
                if let kid = key.keyID { keys[kid] = key } else { defaultKey = key }
            } catch let error as AgentOSAuthError {
                skipped.append("key \(index): \(error.message)")
            }
        }
        return (keys, defaultKey, skipped)
    }
}
