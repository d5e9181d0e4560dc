import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation

/// Signs JWS compact serialisations (RFC 7515 §7.1) with one OS key, straight on swift-crypto
/// (ES256, EdDSA) or the system's OpenSSL (RS256, ``OpenSSLRSAKey``).
///
/// The token path used jwt-kit's `JWTKeyCollection`, an actor: every token hopped onto it and
/// through its generic encoder and header handling, a visible share of each token
/// (docs/performance.md). The header is fixed per key and `typ`, so it is encoded once; what
/// remains per token is the payload's JSON, base64url and the signature itself. jwt-kit still
/// verifies everywhere (tests, the key checks), and the OS side verifies with AgentOSAuth.
///
/// A signer signs one kind of JWT only (its `typ`, fixed at creation), and each kind has keys of
/// its own: access tokens the OS's signing keys, status lists ``StatusListKeys`` (docs/security.md,
/// "Every JWT kind has its own typ and key"). No header ever carries `crit`.
struct CompactSigner: Sendable {
    enum Key: Sendable {
        /// RS256 on the system's OpenSSL 3 (every RS256 token).
        case rs256(OpenSSLRSAKey)
        /// RS256 on swift-crypto's BoringSSL: only the baseline of `controlplane keys speed`.
        case rs256BoringSSL(_RSA.Signing.PrivateKey)
        case es256(P256.Signing.PrivateKey)
        case eddsa(Curve25519.Signing.PrivateKey)
    }

    let kid: String
    let algorithm: SigningAlgorithm
    let key: Key
    /// The kind of JWT this signer makes.
    let type: JWTKind
    /// The base64url JOSE header, the same for every token of this signer.
    private let header: String

    /// The kinds of JWT the control plane signs, each under keys of its own.
    enum JWTKind: String, Sendable {
        case accessToken = "at+jwt"
        case statusList = "statuslist+jwt"
    }

    init(kid: String, algorithm: SigningAlgorithm, key: Key, type: JWTKind) throws {
        self.kid = kid
        self.algorithm = algorithm
        self.key = key
        self.type = type
        let header = try JSONSerialization.data(
            withJSONObject: ["alg": algorithm.name, "kid": kid, "typ": type.rawValue],
            options: [.sortedKeys]
        )
        self.header = Base64URL.encode(header)
    }

    /// `header.payload.signature`, the payload encoded as JSON.
    func sign(_ payload: some Encodable) throws -> String {
        try sign(json: Array(try JSONEncoder().encode(payload)))
    }

    /// `header.payload.signature` for a payload already in JSON.
    func sign(json: [UInt8]) throws -> String {
        let signingInput = header + "." + Base64URL.encode(json)
        let message = Array(signingInput.utf8)
        let signature: [UInt8]
        switch key {
        case .rs256(let key):
            signature = try key.signature(for: message)
        case .rs256BoringSSL(let key):
            signature = Array(try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .es256(let key):
            signature = Array(try key.signature(for: message).rawRepresentation)
        case .eddsa(let key):
            signature = Array(try key.signature(for: message))
        }
        return signingInput + "." + Base64URL.encode(signature)
    }
}
