import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Synchronization
import Testing

/// `JWT_STATUS_LIST_ORIGIN`: revoked tokens refused, lists cached for their `ttl`, untrusted
/// URIs never fetched, fail closed past the staleness limit (docs/agno-compatibility.md).
@Suite("Token Status Lists in the verifier")
struct StatusListTests {
    static let origin = "https://cp.example.test"
    static let uri = origin + "/v1/orgs/acme/os/probe-os/status-list"

    /// The kid of the lists' own key (``TestKeys/es256``), served at `<list URI>/jwks.json`.
    static let listKid = "status-list-key"

    /// A status-list server the test scripts; counts fetches of lists (its key set is always served).
    final class Server: Sendable {
        let body = Mutex<String?>(nil)
        let fetches = Atomic<Int>(0)
        let urls = Mutex<[String]>([])

        func set(_ token: String?) { body.withLock { $0 = token } }

        var fetcher: DocumentFetcher {
            { request in
                let url = request.url
                if url.absoluteString.hasSuffix("/status-list/jwks.json") {
                    return .init(data: TestTokens.jwks([TestTokens.es256JWK(kid: StatusListTests.listKid)]), maxAge: nil)
                }
                self.fetches.add(1, ordering: .relaxed)
                self.urls.withLock { $0.append(url.absoluteString) }
                guard let body = self.body.withLock({ $0 }) else { throw URLError(.cannotConnectToHost) }
                return .init(data: Data(body.utf8), maxAge: nil)
            }
        }
    }

    /// A Status List Token whose list has `revoked` set (1 bit per status, `size` statuses).
    static func list(
        revoked: [Int],
        size: Int = 64,
        ttl: Int = 60,
        now: Date,
        edit: (inout [String: Any]) -> Void = { _ in },
        header: [String: Any] = ["typ": "statuslist+jwt", "kid": listKid],
        key: SigningKey = .es256
    ) -> String {
        var bytes = [UInt8](repeating: 0, count: size / 8)
        for index in revoked { bytes[index / 8] |= 1 << UInt8(index % 8) }
        let seconds = Int(now.timeIntervalSince1970)
        var claims: [String: Any] = [
            "sub": uri, "iat": seconds, "exp": seconds + 3600, "ttl": ttl,
            "status_list": ["bits": 1, "lst": Base64URL.encode(ZlibInflaterTests.stored(bytes))],
        ]
        edit(&claims)
        return TestTokens.sign(claims, header: header, key: key)
    }

    static func token(index: Int, uri: String = uri) -> String {
        TestTokens.make {
            $0["scopes"] = ["agent_os:admin"]
            $0["exp"] = Int(Date().timeIntervalSince1970) + 100_000
            $0["status"] = ["status_list": ["idx": index, "uri": uri]]
        }
    }

    func gate(_ server: Server, clock: TestClock, events: EventLog = EventLog(), origin: String? = origin) throws -> AuthGate {
        var environment = [
            "JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "JWT_STATUS_LIST_REFETCH_INTERVAL": "5",
        ]
        environment["JWT_STATUS_LIST_ORIGIN"] = origin
        return try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: environment),
            fetcher: server.fetcher,
            now: clock.function,
            onEvent: events.handler
        )
    }

    func decide(_ gate: AuthGate, _ token: String) async -> (Int, String?) {
        switch await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)") {
        case .excluded: (0, nil)
        case .allowed: (200, nil)
        case .denied(let error): (error.status, error.message)
        }
    }

    @Test func aRevokedTokenIsRefusedAndTheOthersPass() async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [3], now: clock.now))
        let gate = try gate(server, clock: clock)
        #expect(await decide(gate, Self.token(index: 3)) == (401, "Invalid token: Token has been revoked"))
        #expect(await decide(gate, Self.token(index: 2)) == (200, nil))
        #expect(await decide(gate, Self.token(index: 4)) == (200, nil))
        // Past the end of the list: refused (the list cannot vouch for it).
        #expect(await decide(gate, Self.token(index: 64)) == (401, "Invalid token: status list index out of range"))
        // A token without a status claim is not checked.
        #expect(await decide(gate, TestTokens.scoped(["agent_os:admin"])) == (200, nil))
        #expect(server.fetches.load(ordering: .relaxed) == 1, "one fetch serves every token while the list is fresh")
    }

    /// Two bits per status (draft §7.1): only 0x00 (VALID) passes; SUSPENDED (0x02) and the
    /// application-specific 0x03 are refused like INVALID (0x01).
    @Test func onlyValidPassesATwoBitList() async throws {
        let clock = TestClock()
        let server = Server()
        // Statuses 0, 2, 3, 1 at indices 0-3, least significant bits first: 0b01_11_10_00.
        let packed = ZlibInflaterTests.stored([0b0111_1000] + [UInt8](repeating: 0, count: 7))
        server.set(Self.list(revoked: [], now: clock.now) { $0["status_list"] = ["bits": 2, "lst": Base64URL.encode(packed)] })
        let gate = try gate(server, clock: clock)
        #expect(await decide(gate, Self.token(index: 0)) == (200, nil))
        for index in 1...3 {
            #expect(await decide(gate, Self.token(index: index)) == (401, "Invalid token: Token has been revoked"), "\(index)")
        }
        #expect(await decide(gate, Self.token(index: 4)) == (200, nil))
    }

    @Test func aRevocationLandsWithinTheTTLEvenForCachedVerifications() async throws {
        let clock = TestClock()
        let server = Server()
        // A ttl of 20 s, not the 60 s a list without one is cached for: the list's own is used.
        server.set(Self.list(revoked: [], ttl: 20, now: clock.now))
        let gate = try gate(server, clock: clock)
        let token = Self.token(index: 9)
        #expect(await decide(gate, token) == (200, nil))
        server.set(Self.list(revoked: [9], ttl: 20, now: clock.now))
        clock.advance(15)
        #expect(await decide(gate, token) == (200, nil), "the cached list is used for its ttl")
        clock.advance(6)
        #expect(await decide(gate, token) == (401, "Invalid token: Token has been revoked"))
        #expect(gate.verifier?.signatureVerifications == 1, "the token's verification stayed cached; its status did not")
    }

    @Test(arguments: [
        "https://elsewhere.test/v1/orgs/acme/os/probe-os/status-list",
        "https://cp.example.test.evil.test/status-list",
        "https://cp.example.test:8443/status-list",
        "http://cp.example.test/status-list",
        "https://cp.example.test",
    ])
    func aListOutsideTheOriginIsNeverFetched(uri: String) async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [], now: clock.now))
        let gate = try gate(server, clock: clock)
        #expect(await decide(gate, Self.token(index: 1, uri: uri)) == (401, "Invalid token: status list URI is not trusted"))
        #expect(server.fetches.load(ordering: .relaxed) == 0)
    }

    @Test func withoutAnOriginStatusClaimsAreIgnoredAndThatIsSaidOnce() async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [1], now: clock.now))
        let events = EventLog()
        let gate = try gate(server, clock: clock, events: events, origin: nil)
        #expect(await decide(gate, Self.token(index: 1)) == (200, nil))
        #expect(await decide(gate, Self.token(index: 1, uri: "https://elsewhere.test/x")) == (200, nil))
        #expect(server.fetches.load(ordering: .relaxed) == 0)
        #expect(events.messages(.info).count == 1 && events.messages(.info)[0].contains("JWT_STATUS_LIST_ORIGIN is not set"))
    }

    @Test func failsClosedPastTheMaximumStaleness() async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [], ttl: 60, now: clock.now))
        let events = EventLog()
        let gate = try gate(server, clock: clock, events: events)
        let token = Self.token(index: 5)
        #expect(await decide(gate, token) == (200, nil))
        server.set(nil)
        clock.advance(300)
        #expect(await decide(gate, token) == (200, nil), "a failed refetch keeps the last good list")
        #expect(events.messages(.warning).contains { $0.contains("fetching the status list") })
        clock.advance(301)
        #expect(await decide(gate, token) == (401, "Invalid token: token status unavailable"))
        #expect(events.messages(.error).contains { $0.contains("no usable status list") })
        // Back: accepted again once a fetch succeeds.
        server.set(Self.list(revoked: [], ttl: 60, now: clock.now))
        clock.advance(10)
        #expect(await decide(gate, token) == (200, nil))
    }

    @Test(arguments: ["typ", "sub", "expired", "key", "bits", "lst"])
    func aListThatDoesNotVerifyIsNotUsed(flaw: String) async throws {
        let clock = TestClock()
        let now = clock.now
        let token: String
        switch flaw {
        case "typ": token = Self.list(revoked: [], now: now, header: ["typ": "JWT", "kid": Self.listKid])
        case "sub": token = Self.list(revoked: [], now: now) { $0["sub"] = Self.origin + "/another-list" }
        case "expired": token = Self.list(revoked: [], now: now) { $0["exp"] = Int(now.timeIntervalSince1970) - 1 }
        // Signed with the access-token key the verifier trusts: still refused, as lists have keys of their own.
        case "key": token = Self.list(revoked: [], now: now, header: ["typ": "statuslist+jwt"], key: .rsa1)
        case "bits": token = Self.list(revoked: [], now: now) { $0["status_list"] = ["bits": 3, "lst": "eNrbuRgAAhcBXQ"] }
        default: token = Self.list(revoked: [], now: now) { $0["status_list"] = ["bits": 1, "lst": "eNrbuRgAAhcBXq"] }
        }
        let server = Server()
        server.set(token)
        let gate = try gate(server, clock: clock)
        #expect(await decide(gate, Self.token(index: 1)) == (401, "Invalid token: token status unavailable"))
    }

    @Test func malformedStatusClaimsAreRefused() async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [], now: clock.now))
        let gate = try gate(server, clock: clock)
        let claims: [Any] = [
            "x", ["status_list": "x"], ["status_list": ["idx": -1, "uri": Self.uri]], ["status_list": ["idx": 1.5, "uri": Self.uri]],
        ]
        for status in claims {
            let token = TestTokens.make {
                $0["scopes"] = ["agent_os:admin"]
                $0["status"] = status
            }
            #expect(await decide(gate, token) == (401, "Invalid token: Invalid status claim"), "\(status)")
        }
    }

    @Test(arguments: [
        ("https://cp.example.test/", "https://cp.example.test"), ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://cp.example.test", nil), ("https://cp.example.test/v1", nil), ("ftp://cp.example.test", nil), ("", nil), ("  ", nil),
    ])
    func theOriginSetting(raw: String, origin: String?) throws {
        guard let origin else {
            // Refused at start-up, naming the setting: never accepted with revocation silently off.
            let error = #expect(throws: AgentOSAuthError.self) {
                try AgentOSAuthConfiguration(environment: ["JWT_STATUS_LIST_ORIGIN": raw])
            }
            #expect(error?.code == .invalidConfiguration && error?.message.hasPrefix("JWT_STATUS_LIST_ORIGIN ") == true, "\(raw)")
            return
        }
        #expect(try AgentOSAuthConfiguration(environment: ["JWT_STATUS_LIST_ORIGIN": raw]).statusListOrigin == origin)
    }

    @Test(arguments: [
        ("https://cp.example.test/", "https://cp.example.test"), ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://cp.example.test", nil), ("https://cp.example.test/v1", nil), ("https://cp.example.test?x=1", nil), ("", nil),
    ])
    func aCheckerBuiltInCodeTakesOnlyAnOrigin(raw: String, origin: String?) throws {
        let fetcher: DocumentFetcher = { _ in FetchedDocument(status: 404, data: Data(), maxAge: nil) }
        guard let origin else {
            // Otherwise every list would be untrusted or unfetchable: tokens with a status refused, silently.
            let error = #expect(throws: AgentOSAuthError.self) { try StatusListChecker(origin: raw, fetcher: fetcher) }
            #expect(error?.code == .invalidConfiguration && error?.message.hasPrefix("a status-list origin must be") == true, "\(raw)")
            return
        }
        let checker = try StatusListChecker(origin: raw, fetcher: fetcher)
        #expect(checker.origin == origin)
        #expect(checker.trusts(origin + "/v1/lists/1") && !checker.trusts(origin + ".evil.test/v1/lists/1"))
    }
}
