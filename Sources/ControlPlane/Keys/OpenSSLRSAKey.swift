import COpenSSL
import Foundation

/// An RSA private key on the system's OpenSSL 3 (libcrypto): RS256 signatures (RSASSA-PKCS1-v1_5
/// with SHA-256, RFC 7518 §3.3) at OpenSSL's rate.
///
/// Hand-rolled over a system library because the measurement justifies it: swift-crypto's
/// BoringSSL signs RSA-2048 at about half the rate OpenSSL 3 reaches on the same CPU
/// (docs/performance.md), and RS256 is the algorithm Agno verifies by default. ES256 and EdDSA
/// stay on swift-crypto, which is as fast for them.
///
/// The key is parsed once (from the DER the control plane decrypts) and held only in memory,
/// like every cached signer. `@unchecked Sendable`: after `init` the `EVP_PKEY` is only read,
/// and every signature runs in an `EVP_MD_CTX` of its own, which OpenSSL 3 allows from any
/// number of threads at once.
final class OpenSSLRSAKey: @unchecked Sendable {
    /// Why OpenSSL refused.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let key: OpaquePointer
    /// SHA-256, fetched once: an implicit fetch per signature takes a lock in OpenSSL 3.0.
    private let digest: OpaquePointer

    /// Parses a PKCS#1 `RSAPrivateKey` or PKCS#8 DER; refuses anything but RSA of at least
    /// 2,048 bits.
    init(derRepresentation der: some DataProtocol) throws {
        let bytes = Array(der)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw Failure(description: "not an RSA private key in DER") }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA, EVP_PKEY_get_bits(parsed) >= 2048 else {
            EVP_PKEY_free(parsed)
            throw Failure(description: "not an RSA key of at least 2,048 bits")
        }
        guard let digest = EVP_MD_fetch(nil, "SHA256", nil) else {
            EVP_PKEY_free(parsed)
            throw Failure(description: "OpenSSL has no SHA-256")
        }
        self.key = parsed
        self.digest = digest
    }

    deinit {
        EVP_MD_free(digest)
        EVP_PKEY_free(key)
    }

    /// The RS256 signature of `message`.
    func signature(for message: [UInt8]) throws -> [UInt8] {
        let context = try Self.context()
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, digest, nil, key) == 1 else { throw Failure(description: "cannot start an RS256 signature") }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            throw Failure(description: "cannot size the RS256 signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw Failure(description: "the RS256 signature failed")
        }
        return Array(signature.prefix(length))
    }

    /// Whether `signature` is this key's RS256 signature of `message` (the cross-checks of the
    /// tests: BoringSSL's signatures verified here, OpenSSL's by swift-crypto).
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) throws -> Bool {
        let context = try Self.context()
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, digest, nil, key) == 1 else {
            throw Failure(description: "cannot start an RS256 verification")
        }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    private static func context() throws -> OpaquePointer {
        guard let context = EVP_MD_CTX_new() else { throw Failure(description: "out of memory") }
        return context
    }
}
