import AgentOSAuth
public import Crypto
public import CryptoExtras
public import Foundation

/// Keys and hand-built JWTs for tests (shared by the verifier test targets) (signed with swift-crypto directly, so any header or
/// claim shape — including invalid ones — can be produced).
public enum TestKeys {
    public static let rsa1 = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    public static let rsa2 = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    public static let es256 = P256.Signing.PrivateKey()
    public static let ed25519 = Curve25519.Signing.PrivateKey()
}

public enum SigningKey: Sendable {
    case rsa1, rsa2, es256, ed25519
    case hmac(String)
    case unsigned
    case zeros(Int)

    public func sign(_ input: Data) -> [UInt8] {
        switch self {
        case .rsa1: Array(try! TestKeys.rsa1.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .rsa2: Array(try! TestKeys.rsa2.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .es256: Array(try! TestKeys.es256.signature(for: input).rawRepresentation)
        case .ed25519: Array(try! TestKeys.ed25519.signature(for: input))
        case .hmac(let secret): Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: Data(secret.utf8))))
        case .unsigned: []
        case .zeros(let count): Array(repeating: 0, count: count)
        }
    }

    public var defaultAlgorithm: String {
        switch self {
        case .rsa1, .rsa2: "RS256"
        case .es256: "ES256"
        case .ed25519: "EdDSA"
        case .hmac: "HS256"
        case .unsigned: "none"
        case .zeros: "ES256"
        }
    }
}

public enum TestTokens {
    public static let osID = "probe-os"

    /// The standard claims: sub alice, aud probe-os, iat now, exp now + 600.
    public static func baseClaims(now: Date = Date()) -> [String: Any] {
        let seconds = Int(now.timeIntervalSince1970)
        return ["sub": "alice", "aud": osID, "iat": seconds, "exp": seconds + 600, "jti": UUID().uuidString]
    }

    public static func sign(_ claims: [String: Any], header: [String: Any] = [:], key: SigningKey = .rsa1) -> String {
        var fullHeader: [String: Any] = ["alg": key.defaultAlgorithm, "typ": "JWT"]
        fullHeader.merge(header) { _, new in new }
        let headerData = try! JSONSerialization.data(withJSONObject: fullHeader, options: [.sortedKeys])
        let payloadData = try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let input = Base64URL.encode(headerData) + "." + Base64URL.encode(payloadData)
        return input + "." + Base64URL.encode(key.sign(Data(input.utf8)))
    }

    /// A token with the base claims changed by `edit`.
    public static func make(key: SigningKey = .rsa1, header: [String: Any] = [:], _ edit: (inout [String: Any]) -> Void = { _ in })
        -> String
    {
        var claims = baseClaims()
        edit(&claims)
        return sign(claims, header: header, key: key)
    }

    public static func scoped(_ scopes: Any, key: SigningKey = .rsa1) -> String {
        make(key: key) { $0["scopes"] = scopes }
    }

    public static var rsa1PEM: String { TestKeys.rsa1.publicKey.pemRepresentation }
    public static var rsa2PEM: String { TestKeys.rsa2.publicKey.pemRepresentation }

    public static func rsaJWK(_ key: _RSA.Signing.PrivateKey, kid: String?) -> [String: Any] {
        let primitives = try! key.publicKey.getKeyPrimitives()
        var jwk: [String: Any] = [
            "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent),
        ]
        if let kid { jwk["kid"] = kid }
        return jwk
    }

    /// The public JWK of ``TestKeys/es256``.
    public static func es256JWK(kid: String?) -> [String: Any] {
        let point = TestKeys.es256.publicKey.x963Representation
        var jwk: [String: Any] = [
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
            "x": Base64URL.encode(point[1..<33]), "y": Base64URL.encode(point[33..<65]),
        ]
        if let kid { jwk["kid"] = kid }
        return jwk
    }

    public static func jwks(_ keys: [[String: Any]]) -> Data {
        try! JSONSerialization.data(withJSONObject: ["keys": keys])
    }
}

extension TestTokens {
    /// A token over any header and payload bytes (e.g. a payload that is not an object).
    public static func signRaw(header: String, payload: String, key: SigningKey = .rsa1) -> String {
        let input = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(payload.utf8))
        return input + "." + Base64URL.encode(key.sign(Data(input.utf8)))
    }

    /// `segment` with the unused low bits of its last character set: another string for the same
    /// bytes, which only a decoder that ignores those bits accepts. `nil` when the segment's length
    /// is a multiple of 4 (no unused bits).
    public static func flippingUnusedBits(_ segment: Substring) -> String? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let unused: Int
        switch segment.count % 4 {
        case 2: unused = 0x0F
        case 3: unused = 0x03
        default: return nil
        }
        guard let last = segment.last, let value = alphabet.firstIndex(of: last) else { return nil }
        return String(segment.dropLast()) + String(alphabet[value | unused])
    }

    /// The standard claims plus a `pad` claim long enough that the encoded payload has unused bits.
    public static func payloadWithUnusedBits(_ edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var claims = baseClaims()
        edit(&claims)
        var pad = ""
        while Base64URL.encode(try! JSONSerialization.data(withJSONObject: claims.merging(["pad": pad]) { $1 }, options: [.sortedKeys]))
            .count
            % 4 == 0
        {
            pad += "x"
        }
        claims["pad"] = pad
        return claims
    }
}
