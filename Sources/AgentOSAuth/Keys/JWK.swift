import Crypto
import CryptoExtras
import Foundation

/// Reads public JWKs (RFC 7517/7518/8037) into ``VerificationKey``s.
enum JWK {
    static func parse(_ jwk: [String: Any]) throws -> VerificationKey {
        let kid = jwk["kid"] as? String
        if let use = jwk["use"] as? String, use != "sig" {
            throw AgentOSAuthError(.invalidKey, "use is '\(use)', not 'sig'")
        }
        let declared = jwk["alg"] as? String
        let key: VerificationKey
        switch jwk["kty"] as? String {
        case "RSA":
            guard let n = bytes(jwk["n"]), let e = bytes(jwk["e"]) else {
                throw AgentOSAuthError(.invalidKey, "RSA key needs base64url n and e")
            }
            let rsa: _RSA.Signing.PublicKey
            do {
                rsa = try _RSA.Signing.PublicKey(n: n, e: e)
            } catch {
                throw AgentOSAuthError(.invalidKey, "RSA key is invalid")
            }
            guard rsa.keySizeInBits >= 2048 else { throw AgentOSAuthError(.invalidKey, "RSA key shorter than 2048 bits") }
            key = VerificationKey(keyID: kid, backing: .rsa(rsa))
        case "EC":
            guard jwk["crv"] as? String == "P-256", let x = bytes(jwk["x"]), let y = bytes(jwk["y"]), x.count == 32, y.count == 32,
                let ec = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
            else {
                throw AgentOSAuthError(.invalidKey, "EC key must be a valid P-256 point (crv, x, y)")
            }
            key = VerificationKey(keyID: kid, backing: .p256(ec))
        case "OKP":
            guard jwk["crv"] as? String == "Ed25519", let x = bytes(jwk["x"]), x.count == 32,
                let ed = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else {
                throw AgentOSAuthError(.invalidKey, "OKP key must be Ed25519 with a 32-byte x")
            }
            key = VerificationKey(keyID: kid, backing: .ed25519(ed))
        default:
            throw AgentOSAuthError(.invalidKey, "unsupported kty (supported: RSA, EC P-256, OKP Ed25519)")
        }
        // A declared alg must agree with the key type: the key, not the token, decides.
        if let declared, declared != key.algorithm.name {
            throw AgentOSAuthError(.invalidKey, "alg '\(declared)' does not match the key type (\(key.algorithm))")
        }
        return key
    }

    private static func bytes(_ value: Any?) -> [UInt8]? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return Base64URL.decode(Substring(text))
    }
}
