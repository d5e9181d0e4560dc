public import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// How many access tokens per second this machine can sign: the issuance signer
/// (``CompactSigner``: JOSE header, base64url, swift-crypto's signature) over a typical token's
/// claims, with a fresh key, on `tasks` concurrent tasks. `controlplane keys speed` prints it, so
/// capacity can be planned, and the load script sets token rates beside it (docs/performance.md).
public enum SigningSpeed {
    /// Which library signs RS256.
    public enum RSABackend: String, Sendable, CaseIterable {
        /// The system's OpenSSL 3 libcrypto: what issuance uses.
        case openSSL = "openssl"
        /// swift-crypto's BoringSSL: the baseline it replaced.
        case boringSSL = "boringssl"
    }

    /// Signatures per second over `seconds`, all tasks together; `rsa` picks RS256's library.
    public static func measure(_ algorithm: SigningAlgorithm, seconds: Double, tasks: Int, rsa: RSABackend = .openSSL) async throws
        -> Double
    {
        let key: CompactSigner.Key
        switch algorithm {
        case .rs256:
            let generated = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            key = rsa == .openSSL ? .rs256(try OpenSSLRSAKey(derRepresentation: generated.derRepresentation)) : .rs256BoringSSL(generated)
        case .es256: key = .es256(P256.Signing.PrivateKey())
        case .eddsa: key = .eddsa(Curve25519.Signing.PrivateKey())
        default: throw ControlPlaneError.invalid("the control plane signs RS256, ES256 and EdDSA, not \(algorithm)")
        }
        let signer = try CompactSigner(kid: "speed", algorithm: algorithm, key: key, type: .accessToken)
        let claims = AccessTokenClaims(
            issuer: "https://controlplane.example.com",
            subject: UUID().uuidString.lowercased(),
            audience: "prod-os",
            issuedAt: Date(),
            lifetime: 900,
            scopes: ["agents:read", "agents:web-agent:run", "sessions:read"],
            email: "alice@example.com",
            name: "Alice",
            org: "acme",
            status: TokenStatusClaim(index: 4711, uri: "https://controlplane.example.com/v1/orgs/acme/os/prod-os/status-list")
        )
        let json = claims.json
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<max(1, tasks) {
                group.addTask {
                    var signed = 0
                    while ContinuousClock.now < deadline {
                        _ = try signer.sign(json: json)
                        signed += 1
                    }
                    return signed
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(counts) / seconds
    }
}
