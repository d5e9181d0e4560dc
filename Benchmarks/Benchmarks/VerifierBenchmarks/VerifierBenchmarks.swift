import AgentOSAuth
import Benchmark
import Crypto
import CryptoExtras
import Foundation

// Per-request verification cost: cold (cache off, every call verifies a signature) and warm
// (one reused token, served from the verified-token cache), next to the raw signature check
// of the same key measured in the same run.

struct Fixture {
    let verifier: TokenVerifier
    let cachedVerifier: TokenVerifier
    let tokens: [String]
    let rawCheck: () -> Bool
}

func b64(_ data: some Sequence<UInt8>) -> String { Base64URL.encode(data) }

func makeFixture(algorithm: String) throws -> Fixture {
    let now = Int(Date().timeIntervalSince1970)
    let signer: (Data) -> [UInt8]
    let pem: String
    let rawCheck: () -> Bool
    let sample = Data("benchmark-signing-input".utf8)
    switch algorithm {
    case "RS256":
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        signer = { Array(try! key.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation) }
        pem = key.publicKey.pemRepresentation
        let signature = try key.signature(for: SHA256.hash(data: sample), padding: .insecurePKCS1v1_5)
        rawCheck = { key.publicKey.isValidSignature(signature, for: SHA256.hash(data: sample), padding: .insecurePKCS1v1_5) }
    case "ES256":
        let key = P256.Signing.PrivateKey()
        signer = { Array(try! key.signature(for: $0).rawRepresentation) }
        pem = key.publicKey.pemRepresentation
        let signature = try key.signature(for: sample)
        rawCheck = { key.publicKey.isValidSignature(signature, for: sample) }
    default:
        let key = Curve25519.Signing.PrivateKey()
        signer = { Array(try! key.signature(for: $0)) }
        let spki: [UInt8] =
            [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + Array(key.publicKey.rawRepresentation)
        pem = "-----BEGIN PUBLIC KEY-----\n\(Data(spki).base64EncodedString())\n-----END PUBLIC KEY-----"
        let signature = try key.signature(for: sample)
        rawCheck = { key.publicKey.isValidSignature(signature, for: sample) }
    }
    let header = b64(Data(#"{"alg":"\#(algorithm)","typ":"at+jwt","kid":"bench"}"#.utf8))
    let tokens = (0..<512).map { index in
        let claims =
            #"{"sub":"user-\#(index)","aud":"bench-os","iss":"https://cp.example.test","iat":\#(now),"nbf":\#(now),"exp":\#(now + 3600),"jti":"\#(UUID().uuidString)","scopes":["agents:web-agent:read","agents:web-agent:run","config:read"]}"#
        let input = header + "." + b64(Data(claims.utf8))
        return input + "." + b64(signer(Data(input.utf8)))
    }
    let keys = KeySet(staticKeys: [try VerificationKey(pem: pem)])
    return Fixture(
        verifier: try TokenVerifier(keys: keys, options: .init(audience: "bench-os", cacheCapacity: 0)),
        cachedVerifier: try TokenVerifier(keys: keys, options: .init(audience: "bench-os")),
        tokens: tokens,
        rawCheck: rawCheck
    )
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    for algorithm in ["RS256", "ES256", "EdDSA"] {
        let fixture = try! makeFixture(algorithm: algorithm)
        Benchmark("\(algorithm) raw signature check") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(fixture.rawCheck()) }
        }
        Benchmark("\(algorithm) verify cold (unique tokens, cache off)") { benchmark in
            var index = 0
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.verifier.verify(fixture.tokens[index & 511]))
                index += 1
            }
        }
        Benchmark("\(algorithm) verify warm (reused token, cached)") { benchmark in
            let token = fixture.tokens[0]
            _ = try await fixture.cachedVerifier.verify(token)
            for _ in benchmark.scaledIterations { blackHole(try await fixture.cachedVerifier.verify(token)) }
        }
    }
}
