import Crypto
import CryptoExtras
import Foundation

/// A public key the verifier trusts, pinned to one algorithm.
public struct VerificationKey: Sendable {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    /// The key id (`kid`), when the key came with one.
    public let keyID: String?
    /// The only algorithm this key verifies.
    public let algorithm: SigningAlgorithm
    let backing: Backing

    init(keyID: String?, backing: Backing) {
        self.keyID = keyID
        self.backing = backing
        switch backing {
        case .rsa: self.algorithm = .rs256
        case .p256: self.algorithm = .es256
        case .ed25519: self.algorithm = .eddsa
        }
    }

    /// Parses one SPKI PEM (`-----BEGIN PUBLIC KEY-----`) holding an RSA, P-256 or Ed25519 key.
    ///
    /// - Throws: ``AgentOSAuthError`` with code ``AgentOSAuthError/Code/invalidKey`` when the PEM is not such a key.
    public init(pem: String, keyID: String? = nil) throws {
        let pem = pem.trimmingCharacters(in: .whitespacesAndNewlines)
        if let rsa = try? _RSA.Signing.PublicKey(pemRepresentation: pem) {
            guard rsa.keySizeInBits >= 2048 else {
                throw AgentOSAuthError(.invalidKey, "RSA keys must have at least 2048 bits")
            }
            self.init(keyID: keyID, backing: .rsa(rsa))
        } else if let ec = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            self.init(keyID: keyID, backing: .p256(ec))
        } else if let der = Self.derFromPEM(pem), let ed = Self.ed25519(spki: der) {
            self.init(keyID: keyID, backing: .ed25519(ed))
        } else {
            throw AgentOSAuthError(
                .invalidKey,
                "not a PEM public key (expected -----BEGIN PUBLIC KEY----- with an RSA, P-256 or Ed25519 key)"
            )
        }
    }

    /// Checks `signature` over `message` (the JWS signing input).
    func isValidSignature(_ signature: [UInt8], for message: UnsafeRawBufferPointer) -> Bool {
        switch backing {
        case .rsa(let key):
            let digest = SHA256.hash(data: message)
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: digest,
                padding: .insecurePKCS1v1_5
            )
        case .p256(let key):
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
        case .ed25519(let key):
            guard signature.count == 64 else { return false }
            return key.isValidSignature(signature, for: Data(message))
        }
    }

    // Ed25519 SPKI: SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) }.
    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func ed25519(spki der: [UInt8]) -> Curve25519.Signing.PublicKey? {
        guard der.count == 44, Array(der.prefix(12)) == ed25519SPKIPrefix else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
    }

    static func derFromPEM(_ pem: String) -> [UInt8]? {
        let body = pem.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("-----") }
            .joined()
        return Data(base64Encoded: body).map(Array.init)
    }
}
