import AgentOSAuth
import AgentOSAuthTestSupport
import Crypto
import CryptoExtras
import Foundation
import Synchronization
import Testing

@Suite("Token verification and attacks")
struct VerifierTests {
    func gate(_ environment: [String: String], fetcher: DocumentFetcher? = nil, now: @escaping @Sendable () -> Date = Date.init) throws
        -> AuthGate
    {
        // Events (failed fetches the tests provoke) are collected rather than printed.
        try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: environment),
            fetcher: fetcher,
            now: now,
            onEvent: EventLog().handler
        )
    }

    var pemGate: AuthGate {
        get throws { try gate(["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID]) }
    }

    func status(_ gate: AuthGate, _ token: String, path: String = "/agents") async -> (Int, String?) {
        switch await gate.decide(method: "GET", path: path, authorization: "Bearer \(token)") {
        case .excluded: return (0, nil)
        case .allowed: return (200, nil)
        case .denied(let error): return (error.status, error.message)
        }
    }

    static var admin: [String: Any] { ["scopes": ["agent_os:admin"]] }

    @Test func rs256ES256AndEdDSAVerifyWithTheirPinnedKeys() async throws {
        let pems = [
            TestTokens.rsa1PEM, TestKeys.es256.publicKey.pemRepresentation,
            "-----BEGIN PUBLIC KEY-----\n"
                + Data(
                    [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + TestKeys.ed25519.publicKey.rawRepresentation
                ).base64EncodedString() + "\n-----END PUBLIC KEY-----",
        ]
        let gate = try gate(["JWT_VERIFICATION_KEY": pems.joined(separator: "\n"), "AGENT_OS_ID": TestTokens.osID])
        for key in [SigningKey.rsa1, .es256, .ed25519] {
            #expect(await status(gate, TestTokens.scoped(["agent_os:admin"], key: key)).0 == 200, "\(key)")
        }
        // An EdDSA token claiming to be ES256: the header's alg never picks the key; the P-256 key refuses it.
        let confused = TestTokens.make(key: .ed25519, header: ["alg": "ES256"]) { $0["scopes"] = ["agent_os:admin"] }
        #expect(await status(gate, confused) == (401, "Invalid token: Signature verification failed"))
    }

    /// Every attack is refused for its own reason: the detail names the check that caught it.
    @Test func attacksAreRefusedForTheirReason() async throws {
        let gate = try pemGate
        let good = TestTokens.scoped(["agent_os:admin"])
        let parts = good.split(separator: ".").map(String.init)
        var tamperedClaims = TestTokens.baseClaims()
        tamperedClaims["scopes"] = ["agent_os:admin"]
        tamperedClaims["sub"] = "mallory"
        let tamperedPayload = Base64URL.encode(try JSONSerialization.data(withJSONObject: tamperedClaims))
        let notAllowed = "Invalid token: The specified alg value is not allowed"
        let badSignature = "Invalid token: Signature verification failed"
        let attacks: [(String, String, String)] = [
            ("alg none", TestTokens.make(key: .unsigned) { $0["scopes"] = ["agent_os:admin"] }, notAllowed),
            ("alg none with trailing dot only", Base64URL.encode(Data(#"{"alg":"none"}"#.utf8)) + "." + parts[1] + ".", notAllowed),
            (
                "HS256 keyed with the public PEM", TestTokens.make(key: .hmac(TestTokens.rsa1PEM)) { $0["scopes"] = ["agent_os:admin"] },
                notAllowed
            ),
            ("RS512 header on an RS256 key", TestTokens.make(header: ["alg": "RS512"]) { $0["scopes"] = ["agent_os:admin"] }, notAllowed),
            (
                "ES256 all-zero signature on an RSA-only OS", TestTokens.make(key: .zeros(64)) { $0["scopes"] = ["agent_os:admin"] },
                notAllowed
            ),
            ("tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2], badSignature),
            ("2 segments", parts[0] + "." + parts[1], "Invalid token: Not enough segments"),
            ("4 segments", good + ".AAAA", "Invalid token: Too many segments"),
            (
                "non-base64url characters in the payload", parts[0] + "." + parts[1] + "!" + "." + parts[2],
                "Invalid token: Invalid payload padding"
            ),
            ("non-base64url in signature", parts[0] + "." + parts[1] + "." + parts[2] + "+/=", "Invalid token: Invalid crypto padding"),
            ("padded signature", parts[0] + "." + parts[1] + "." + parts[2] + "==", "Invalid token: Invalid crypto padding"),
            ("empty segments", "..", "Invalid token: Invalid header string: must be a json object"),
            (
                "9 KiB token",
                TestTokens.make {
                    $0["scopes"] = ["agent_os:admin"]; $0["pad"] = String(repeating: "x", count: 9 * 1024)
                },
                "Invalid token: Token exceeds 8192 bytes"
            ),
            (
                "header not JSON", Base64URL.encode(Data("nope".utf8)) + "." + parts[1] + "." + parts[2],
                "Invalid token: Invalid header string: must be a json object"
            ),
            (
                "signed payload not an object", TestTokens.signRaw(header: #"{"alg":"RS256"}"#, payload: "[1,2]"),
                "Invalid token: Invalid payload string: must be a json object"
            ),
            (
                "kid as a number", TestTokens.make(header: ["kid": 7]) { $0["scopes"] = ["agent_os:admin"] },
                "Invalid token: Key ID header parameter must be a string"
            ),
        ]
        for (name, token, detail) in attacks {
            #expect(await status(gate, token) == (401, detail), "\(name)")
        }
        #expect(await status(gate, good) == (200, nil))
    }

    /// On an OS that trusts a P-256 key, the all-zero ES256 signature gets past the algorithm
    /// check and is refused by the ECDSA verification itself.
    @Test func allZeroES256SignatureIsRefusedByTheECDSACheck() async throws {
        let verifier = try TokenVerifier(
            keys: KeySet(staticKeys: [try VerificationKey(pem: TestKeys.es256.publicKey.pemRepresentation)]),
            options: .init(audience: TestTokens.osID)
        )
        for count in [64, 0, 63, 65] {
            let zeros = TestTokens.make(key: .zeros(count)) { $0["scopes"] = ["agent_os:admin"] }
            await #expect(throws: AgentOSAuthError(.invalidToken, "Invalid token: Signature verification failed"), "\(count) zero bytes") {
                try await verifier.verify(zeros)
            }
        }
        #expect(verifier.signatureVerifications == 4, "each reached the signature check")
        let genuine = try await verifier.verify(TestTokens.make(key: .es256) { $0["scopes"] = ["agent_os:admin"] })
        #expect(genuine.scopes == ["agent_os:admin"])
    }

    @Test func oversizedTokensAreRejectedBeforeParsing() async throws {
        let gate = try pemGate
        let huge = String(repeating: "a", count: 8193)
        #expect(await status(gate, huge) == (401, "Invalid token: Token exceeds 8192 bytes"), "refused for size, not parsed")
    }

    @Test func jwksKidsCannotReachOutsideTheKeySet() async throws {
        let jwks = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])
        let path = NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
        try jwks.write(to: URL(fileURLWithPath: path))
        let gate = try gate(["JWT_JWKS_FILE": path, "AGENT_OS_ID": TestTokens.osID])
        for kid in ["../../etc/passwd", "' OR 1=1 --", "", "k1\u{0000}"] {
            let token = TestTokens.make(header: ["kid": kid]) { $0["scopes"] = ["agent_os:admin"] }
            #expect(await status(gate, token) == (401, "Invalid token: No verification keys configured"), "kid \(kid)")
        }
        #expect(await status(gate, TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }).0 == 200)
    }

    @Test func unknownKidBurstTriggersAtMostOneRefetchPerInterval() async throws {
        let fetches = Atomic<Int>(0)
        let document = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])
        let fetcher: DocumentFetcher = { _ in
            fetches.add(1, ordering: .relaxed)
            return .init(data: document, maxAge: 300)
        }
        let clock = TestClock()
        let gate = try gate(
            ["JWT_JWKS_URL": "https://cp.example.test/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "60"],
            fetcher: fetcher,
            now: clock.function
        )
        try await gate.start()
        #expect(fetches.load(ordering: .relaxed) == 1)
        clock.advance(61)  // one interval after start-up's fetch
        let unknown = TestTokens.make(header: ["kid": "rotated-away"]) { $0["scopes"] = ["agent_os:admin"] }
        await withTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<1000 { group.addTask { await status(gate, unknown) } }
            for await result in group { #expect(result == (401, "Invalid token: No verification keys configured")) }
        }
        #expect(fetches.load(ordering: .relaxed) == 2, "1000 unknown-kid requests may cause one refetch, not more")
        #expect(await status(gate, TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }).0 == 200)
    }

    @Test func jwksURLPicksUpANewKeyAndKeepsTheLastGoodSetOnFailure() async throws {
        struct Down: Error {}
        let phase = Atomic<Int>(0)
        let first = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])
        let second = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1"), TestTokens.rsaJWK(TestKeys.rsa2, kid: "k2")])
        let fetcher: DocumentFetcher = { _ in
            switch phase.load(ordering: .relaxed) {
            case 0: return .init(data: first, maxAge: 300)
            case 1: throw Down()
            default: return .init(data: second, maxAge: 300)
            }
        }
        let gate = try gate(
            ["JWT_JWKS_URL": "https://cp.example.test/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "0"],
            fetcher: fetcher
        )
        try await gate.start()
        let k1 = TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }
        let k2 = TestTokens.make(key: .rsa2, header: ["kid": "k2"]) { $0["scopes"] = ["agent_os:admin"] }
        phase.store(1, ordering: .relaxed)
        #expect(await status(gate, k2) == (401, "Invalid token: No verification keys configured"))  // fetch fails, k2 still unknown
        #expect(await status(gate, k1) == (200, nil))  // last good set kept
        phase.store(2, ordering: .relaxed)
        #expect(await status(gate, k2) == (200, nil))  // unknown kid → refetch → new key
    }

    @Test func brokenPEMFailsAtConfigurationTime() {
        let notAKey = "not a PEM public key (expected -----BEGIN PUBLIC KEY----- with an RSA, P-256 or Ed25519 key)"
        let cases = [
            ("not a pem", "JWT_VERIFICATION_KEY holds no PEM block (-----BEGIN PUBLIC KEY-----)"),
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "JWT_VERIFICATION_KEY block 1: \(notAKey)"),
            (TestTokens.rsa1PEM.replacingOccurrences(of: "M", with: "!"), "JWT_VERIFICATION_KEY block 1: \(notAKey)"),
        ]
        for (pem, message) in cases {
            #expect(throws: AgentOSAuthError(.invalidKey, message)) {
                try AgentOSAuthConfiguration(environment: ["JWT_VERIFICATION_KEY": pem])
            }
        }
        // A PEM whose newlines were escaped in an env file still loads.
        let escaped = TestTokens.rsa1PEM.replacingOccurrences(of: "\n", with: "\\n")
        #expect((try? AgentOSAuthConfiguration(environment: ["JWT_VERIFICATION_KEY": escaped]))?.verificationKeys.count == 1)
    }

    /// The cache is observable: a reused token does not reach the signature check again, a new
    /// token does, and an entry never outlives `exp` + leeway.
    @Test func reusedTokensAreServedFromTheCacheButNeverPastExp() async throws {
        let clock = TestClock()
        let keys = KeySet(staticKeys: [try VerificationKey(pem: TestTokens.rsa1PEM)])
        let verifier = try TokenVerifier(keys: keys, options: .init(audience: TestTokens.osID), now: clock.function)
        let token = TestTokens.make { $0["exp"] = Int(Date().timeIntervalSince1970) + 30 }
        _ = try await verifier.verify(token)
        #expect(verifier.signatureVerifications == 1)
        _ = try await verifier.verify(token)
        #expect(verifier.signatureVerifications == 1, "the second verification came from the cache")
        _ = try await verifier.verify(TestTokens.make())
        #expect(verifier.signatureVerifications == 2, "another token is checked")
        clock.advance(45)  // exp + leeway passed
        await #expect(throws: AgentOSAuthError(.expired, "Token has expired")) { try await verifier.verify(token) }
        #expect(verifier.signatureVerifications == 3, "the expired entry was not served")
    }

    @Test func withoutACacheEveryVerificationChecksTheSignature() async throws {
        let keys = KeySet(staticKeys: [try VerificationKey(pem: TestTokens.rsa1PEM)])
        let verifier = try TokenVerifier(keys: keys, options: .init(audience: TestTokens.osID, cacheCapacity: 0))
        let token = TestTokens.make()
        for _ in 0..<3 { _ = try await verifier.verify(token) }
        #expect(verifier.signatureVerifications == 3)
    }

    @Test func securityKeyComparisonIsExact() async throws {
        let gate = try gate(["OS_SECURITY_KEY": "s3cret-key"])
        let wrong = "Invalid authentication token"
        let cases: [(String?, Int, String?)] = [
            ("Bearer s3cret-key", 200, nil), ("s3cret-key", 200, nil), ("BEARER s3cret-key", 200, nil), ("Bearer s3cret-ke", 401, wrong),
            ("Bearer s3cret-key2", 401, wrong), ("Bearer S3cret-key", 401, wrong), (nil, 401, "Authorization header required"),
        ]
        for (header, expected, detail) in cases {
            let result: (Int, String?)
            switch await gate.decide(method: "GET", path: "/agents", authorization: header) {
            case .allowed: result = (200, nil)
            case .denied(let error): result = (error.status, error.message)
            case .excluded: result = (0, nil)
            }
            #expect(result == (expected, detail), "\(header ?? "none")")
        }
        #expect(AuthGate.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AuthGate.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
    }

    @Test func optionsAndExcludedPathsPassWithoutCredentials() async throws {
        let gate = try pemGate
        for (method, path) in [
            ("OPTIONS", "/agents"), ("GET", "/health"), ("GET", "/info"), ("GET", "/docs"), ("GET", "/"), ("GET", "/health/"),
        ] {
            guard case .excluded = await gate.decide(method: method, path: path, authorization: nil) else {
                Issue.record("\(method) \(path) should be excluded")
                continue
            }
        }
    }
}
