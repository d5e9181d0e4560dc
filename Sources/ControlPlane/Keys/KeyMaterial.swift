import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation

/// A freshly generated or decrypted signing key pair and its public forms.
struct KeyMaterial: Sendable {
    let algorithm: SigningAlgorithm
    /// DER (RSA PKCS#1/P-256 SEC1 as swift-crypto writes them) or the Ed25519 seed. Secret.
    let privateBytes: Data
    let publicKeyPEM: String
    /// Public JWK members (no `kid`/`alg`/`use`), base64url.
    let jwkMembers: [String: String]
    let kid: String

    static func generate(_ algorithm: SigningAlgorithm) throws -> KeyMaterial {
        switch algorithm {
        case .rs256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return try KeyMaterial(algorithm: algorithm, privateBytes: key.derRepresentation)
        case .es256:
            return try KeyMaterial(algorithm: algorithm, privateBytes: P256.Signing.PrivateKey().derRepresentation)
        case .eddsa:
            return try KeyMaterial(algorithm: algorithm, privateBytes: Curve25519.Signing.PrivateKey().rawRepresentation)
        default:
            throw ControlPlaneError.invalid("cannot generate \(algorithm) keys")
        }
    }

    init(algorithm: SigningAlgorithm, privateBytes: Data) throws {
        self.algorithm = algorithm
        self.privateBytes = privateBytes
        switch algorithm {
        case .rs256:
            let key = try _RSA.Signing.PrivateKey(derRepresentation: privateBytes)
            let primitives = try key.publicKey.getKeyPrimitives()
            publicKeyPEM = key.publicKey.pemRepresentation
            jwkMembers = ["kty": "RSA", "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent)]
        case .es256:
            let key = try P256.Signing.PrivateKey(derRepresentation: privateBytes)
            let point = key.publicKey.x963Representation
            publicKeyPEM = key.publicKey.pemRepresentation
            jwkMembers = [
                "kty": "EC", "crv": "P-256", "x": Base64URL.encode(point[1..<33]), "y": Base64URL.encode(point[33..<65]),
            ]
        case .eddsa:
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateBytes)
            let spki = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]) + key.publicKey.rawRepresentation
            publicKeyPEM = "-----BEGIN PUBLIC KEY-----\n\(spki.base64EncodedString())\n-----END PUBLIC KEY-----"
            jwkMembers = ["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(key.publicKey.rawRepresentation)]
        default:
            throw ControlPlaneError.invalid("cannot load \(algorithm) keys")
        }
        kid = Self.thumbprint(jwkMembers)
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
    static func thumbprint(_ members: [String: String]) -> String {
        let required: [String] =
            switch members["kty"] {
            case "RSA": ["e", "kty", "n"]
            case "EC": ["crv", "kty", "x", "y"]
            default: ["crv", "kty", "x"]
            }
        let json = "{" + required.map { "\"\($0)\":\"\(members[$0] ?? "")\"" }.joined(separator: ",") + "}"
        return Base64URL.encode(SHA256.hash(data: Data(json.utf8)))
    }

    /// The public JWK as published in JWKS.
    var publicJWK: [String: String] {
        jwkMembers.merging(["kid": kid, "alg": algorithm.name, "use": "sig"]) { _, new in new }
    }

    /// AAD binding a ciphertext to its OS, kid and algorithm.
    static func aad(osInstance: UUID, kid: String, algorithm: String) -> Data {
        Data("agentos-cp/signing-key/v1|\(osInstance.uuidString.lowercased())|\(kid)|\(algorithm)".utf8)
    }
}
