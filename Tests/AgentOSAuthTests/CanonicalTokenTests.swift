import AgentOSAuth
import AgentOSAuthTestSupport
import Crypto
import Foundation
import Testing

/// One string form per token: every segment must be canonical base64url (RFC 4648 §3.5), so a
/// cache, deny-list or replay check keyed on the token string cannot be sidestepped.
@Suite("Canonical base64url tokens")
struct CanonicalTokenTests {
    let verifier: TokenVerifier = try! TokenVerifier(
        keys: KeySet(staticKeys: [
            try! VerificationKey(pem: TestTokens.rsa1PEM), try! VerificationKey(pem: TestKeys.es256.publicKey.pemRepresentation),
        ]),
        options: .init(audience: TestTokens.osID)
    )

    func refusal(_ token: String) async -> AgentOSAuthError? {
        do {
            _ = try await verifier.verify(token)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [SigningKey.rsa1, .es256])
    func flippingTheUnusedBitsOfARealSignatureIsRefused(key: SigningKey) async throws {
        let token = TestTokens.scoped(["agent_os:admin"], key: key)
        let parts = token.split(separator: ".")
        #expect(await refusal(token) == nil, "the original verifies")
        // RS256 (256 bytes) and ES256 (64 bytes) signatures both end with 4 unused bits.
        let flipped = try #require(TestTokens.flippingUnusedBits(parts[2]))
        #expect(Base64URL.decode(Substring(flipped)) == nil)
        let forged = parts[0] + "." + parts[1] + "." + flipped
        #expect(await refusal(forged) == AgentOSAuthError(.invalidToken, "Invalid token: Invalid crypto padding"))
    }

    @Test func nonCanonicalHeaderAndPayloadAreRefused() async throws {
        let token = TestTokens.sign(TestTokens.payloadWithUnusedBits { $0["scopes"] = ["agent_os:admin"] }, header: ["kid": "k-12"])
        let parts = token.split(separator: ".").map(Substring.init)
        #expect(await refusal(token) == nil)
        let payload = try #require(TestTokens.flippingUnusedBits(parts[1]))
        #expect(
            await refusal(parts[0] + "." + payload + "." + parts[2])
                == AgentOSAuthError(.invalidToken, "Invalid token: Invalid payload padding")
        )
        // {"alg":"RS256","kid":"k-12","typ":"JWT"} is 40 bytes: its encoding ends with unused bits.
        let header = try #require(TestTokens.flippingUnusedBits(parts[0]))
        #expect(
            await refusal(header + "." + parts[1] + "." + parts[2])
                == AgentOSAuthError(.invalidToken, "Invalid token: Invalid header padding")
        )
    }

    @Test(
        arguments: [
            ("", []), ("AA", [0]), ("AAA", [0, 0]), ("AAAA", [0, 0, 0]), ("_w", [0xFF]), ("__8", [0xFF, 0xFF]),
            ("-_-_", [0xFB, 0xFF, 0xBF]),
        ] as [(String, [UInt8])]
    )
    func canonicalInputsDecode(text: String, bytes: [UInt8]) {
        #expect(Base64URL.decode(Substring(text)) == bytes)
        #expect(Base64URL.encode(bytes) == text)
    }

    @Test(arguments: ["A", "AB", "AAB", "_x", "__9", "AA==", "AA=", "A+8", "A/8", "AAAAA", " AA", "AA\n"])
    func nonCanonicalInputsAreRefused(text: String) {
        #expect(Base64URL.decode(Substring(text)) == nil, "\(text)")
    }

    /// Every byte string round-trips, and each of its other 2^k spellings is refused.
    @Test func onlyTheEncoderOutputDecodes() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64URL.encode(bytes)
            #expect(Base64URL.decode(Substring(encoded)) == bytes)
            if let other = TestTokens.flippingUnusedBits(Substring(encoded)) {
                #expect(Base64URL.decode(Substring(other)) == nil, "\(encoded) vs \(other)")
            }
        }
    }
}
