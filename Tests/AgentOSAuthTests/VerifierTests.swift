import AgentOSAuth
import AgentOSAuthTestSupport
import Crypto
import CryptoExtras
import Foundation
import Synchronization
import Testing

@Suite("Token verification and attacks")
struct VerifierTests {
    func gate(_ environment: [String: String], fetcher: RemoteJWKS.Fetcher? = nil, now: @escaping @Sendable () -> Date = Date.init) throws -> AuthGate {
        try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment), jwksFetcher: fetcher, now: now)
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
            "-----BEGIN PUBLIC KEY-----\n" + Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + TestKeys.ed25519.publicKey.rawRepresentation).base64EncodedString() + "\n-----END PUBLIC KEY-----",
        ]
        let gate = try gate(["JWT_VERIFICATION_KEY": pems.joined(separator: "\n"), "AGENT_OS_ID": TestTokens.osID])
        for key in [SigningKey.rsa1, .es256, .ed25519] {
            #expect(await status(gate, TestTokens.scoped(["agent_os:admin"], key: key)).0 == 200, "\(key)")
        }
        // An EdDSA token claiming to be ES256: the header's alg never picks the key.
        let confused = TestTokens.make(key: .ed25519, header: ["alg": "ES256"]) { $0["scopes"] = ["agent_os:admin"] }
        #expect(await status(gate, confused).0 == 401)
    }

    @Test func attacksAreAll401() async throws {
        let gate = try pemGate
        let good = TestTokens.scoped(["agent_os:admin"])
        let parts = good.split(separator: ".").map(String.init)
        var tamperedClaims = TestTokens.baseClaims()
        tamperedClaims["scopes"] = ["agent_os:admin"]
        tamperedClaims["sub"] = "mallory"
        let tamperedPayload = Base64URL.encode(try JSONSerialization.data(withJSONObject: tamperedClaims))
        let attacks: [(String, String)] = [
            ("alg none", TestTokens.make(key: .unsigned) { $0["scopes"] = ["agent_os:admin"] }),
            ("alg none with trailing dot only", parts[0].replacingOccurrences(of: parts[0], with: Base64URL.encode(Data(#"{"alg":"none"}"#.utf8))) + "." + parts[1] + "."),
            ("HS256 keyed with the public PEM", TestTokens.make(key: .hmac(TestTokens.rsa1PEM)) { $0["scopes"] = ["agent_os:admin"] }),
            ("RS512 header on an RS256 key", TestTokens.make(header: ["alg": "RS512"]) { $0["scopes"] = ["agent_os:admin"] }),
            ("ES256 all-zero signature", TestTokens.make(key: .zeros(64)) { $0["scopes"] = ["agent_os:admin"] }),
            ("tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2]),
            ("2 segments", parts[0] + "." + parts[1]),
            ("4 segments", good + ".AAAA"),
            ("non-base64url characters", parts[0] + "." + parts[1] + "!" + "." + parts[2]),
            ("non-base64url in signature", parts[0] + "." + parts[1] + "." + parts[2] + "+/="),
            ("empty segments", ".."),
            ("9 KiB token", TestTokens.make { $0["scopes"] = ["agent_os:admin"]; $0["pad"] = String(repeating: "x", count: 9 * 1024) }),
            ("header not JSON", Base64URL.encode(Data("nope".utf8)) + "." + parts[1] + "." + parts[2]),
            ("payload not an object", parts[0] + "." + Base64URL.encode(Data("[1,2]".utf8)) + "." + parts[2]),
            ("kid as a number", TestTokens.make(header: ["kid": 7]) { $0["scopes"] = ["agent_os:admin"] }),
        ]
        for (name, token) in attacks {
            #expect(await status(gate, token).0 == 401, "\(name)")
        }
        #expect(await status(gate, good).0 == 200)
    }

    @Test func oversizedTokensAreRejectedBeforeParsing() async throws {
        let gate = try pemGate
        let huge = String(repeating: "a", count: 8193)
        let (code, detail) = await status(gate, huge)
        #expect(code == 401)
        #expect(detail?.contains("8192 bytes") == true, "should be refused for size, not parsed: \(detail ?? "")")
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
        let fetcher: RemoteJWKS.Fetcher = { _ in
            fetches.add(1, ordering: .relaxed)
            return .init(data: document, maxAge: 300)
        }
        let gate = try gate(
            ["JWT_JWKS_URL": "https://cp.example.test/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "60"],
            fetcher: fetcher,
            now: { Date().addingTimeInterval(61) }  // one interval after start-up's fetch
        )
        try await gate.start()
        #expect(fetches.load(ordering: .relaxed) == 1)
        let unknown = TestTokens.make(header: ["kid": "rotated-away"]) { $0["scopes"] = ["agent_os:admin"] }
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<1000 { group.addTask { await status(gate, unknown).0 } }
            for await code in group { #expect(code == 401) }
        }
        #expect(fetches.load(ordering: .relaxed) == 2, "1000 unknown-kid requests may cause one refetch, not more")
        #expect(await status(gate, TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }).0 == 200)
    }

    @Test func jwksURLPicksUpANewKeyAndKeepsTheLastGoodSetOnFailure() async throws {
        struct Down: Error {}
        let phase = Atomic<Int>(0)
        let first = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])
        let second = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1"), TestTokens.rsaJWK(TestKeys.rsa2, kid: "k2")])
        let fetcher: RemoteJWKS.Fetcher = { _ in
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
        #expect(await status(gate, k2).0 == 401)  // fetch fails, k2 still unknown
        #expect(await status(gate, k1).0 == 200)  // last good set kept
        phase.store(2, ordering: .relaxed)
        #expect(await status(gate, k2).0 == 200)  // unknown kid → refetch → new key
    }

    @Test(arguments: [
        ("public, max-age=300", 300.0), ("max-age=0", 0.0), ("no-store", 0.0), ("private", nil), (nil, nil),
    ] as [(String?, Double?)])
    func cacheControl(header: String?, maxAge: Double?) {
        #expect(RemoteJWKS.maxAge(header) == maxAge)
    }

    @Test func brokenPEMFailsAtConfigurationTime() {
        for pem in ["not a pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", TestTokens.rsa1PEM.replacingOccurrences(of: "M", with: "!")] {
            #expect(throws: AgentOSAuthError.self) { try AgentOSAuthConfiguration(environment: ["JWT_VERIFICATION_KEY": pem]) }
        }
        // A PEM whose newlines were escaped in an env file still loads.
        let escaped = TestTokens.rsa1PEM.replacingOccurrences(of: "\n", with: "\\n")
        #expect((try? AgentOSAuthConfiguration(environment: ["JWT_VERIFICATION_KEY": escaped]))?.verificationKeys.count == 1)
    }

    @Test func reusedTokensAreServedFromTheCacheButNeverPastExp() async throws {
        let clock = Mutex(Date())
        let keys = KeySet(staticKeys: [try VerificationKey(pem: TestTokens.rsa1PEM)])
        let verifier = TokenVerifier(keys: keys, options: .init(audience: TestTokens.osID), now: { clock.withLock { $0 } })
        let token = TestTokens.make { $0["exp"] = Int(Date().timeIntervalSince1970) + 30 }
        let first = try await verifier.verify(token)
        let second = try await verifier.verify(token)
        #expect(first.tokenID == second.tokenID)
        clock.withLock { $0 = $0.addingTimeInterval(45) }  // exp + leeway passed
        await #expect(throws: AgentOSAuthError.self) { try await verifier.verify(token) }
    }

    @Test func securityKeyComparisonIsExact() async throws {
        let gate = try gate(["OS_SECURITY_KEY": "s3cret-key"])
        for (header, expected) in [("Bearer s3cret-key", 200), ("s3cret-key", 200), ("BEARER s3cret-key", 200), ("Bearer s3cret-ke", 401), ("Bearer s3cret-key2", 401), ("Bearer S3cret-key", 401)] {
            let result: Int
            switch await gate.decide(method: "GET", path: "/agents", authorization: header) {
            case .allowed: result = 200
            case .denied(let error): result = error.status
            case .excluded: result = 0
            }
            #expect(result == expected, "\(header)")
        }
        #expect(AuthGate.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AuthGate.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
    }

    @Test func optionsAndExcludedPathsPassWithoutCredentials() async throws {
        let gate = try pemGate
        for (method, path) in [("OPTIONS", "/agents"), ("GET", "/health"), ("GET", "/info"), ("GET", "/docs"), ("GET", "/"), ("GET", "/health/")] {
            guard case .excluded = await gate.decide(method: method, path: path, authorization: nil) else {
                Issue.record("\(method) \(path) should be excluded")
                continue
            }
        }
    }
}
