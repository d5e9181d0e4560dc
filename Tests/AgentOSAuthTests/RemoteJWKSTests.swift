import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Synchronization
import Testing

/// `JWT_JWKS_URL`: what counts as an answer, what counts as a failure, and when old keys stop
/// being used (docs/agno-compatibility.md, "JWKS URL").
@Suite("Remote JWKS: authoritative answers, staleness, limits")
struct RemoteJWKSTests {
    /// A JWKS server the test scripts: each fetch returns the current response.
    final class Server: Sendable {
        let response: Mutex<FetchedDocument?>
        let fetches = Atomic<Int>(0)

        init(_ response: FetchedDocument?) { self.response = Mutex(response) }

        func set(_ next: FetchedDocument?) { response.withLock { $0 = next } }

        var fetcher: DocumentFetcher {
            { _ in
                self.fetches.add(1, ordering: .relaxed)
                guard let response = self.response.withLock({ $0 }) else { throw Unreachable() }
                return response
            }
        }
    }

    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    static let oneKey = FetchedDocument(data: TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")]), maxAge: 60)
    static let empty = FetchedDocument(data: Data(#"{"keys": []}"#.utf8), maxAge: 60)

    /// Tokens valid for longer than the clock is moved.
    static let token = TestTokens.make(header: ["kid": "k1"]) {
        $0["scopes"] = ["agent_os:admin"]
        $0["exp"] = Int(Date().timeIntervalSince1970) + 100_000
    }

    func gate(_ server: Server, clock: TestClock, events: EventLog, extra: [String: String] = [:]) throws -> AuthGate {
        var environment = [
            "JWT_JWKS_URL": "https://cp.example.test/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "0",
        ]
        environment.merge(extra) { $1 }
        return try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: environment),
            fetcher: server.fetcher,
            now: clock.function,
            onEvent: events.handler
        )
    }

    func decide(_ gate: AuthGate, _ token: String = token) async -> (Int, String?) {
        switch await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)") {
        case .excluded: (0, nil)
        case .allowed: (200, nil)
        case .denied(let error): (error.status, error.message)
        }
    }

    @Test func anEmptySetIsAuthoritativeAndEndsCachedVerifications() async throws {
        let server = Server(Self.oneKey)
        let clock = TestClock()
        let gate = try gate(server, clock: clock, events: EventLog())
        try await gate.start()
        #expect(await decide(gate) == (200, nil))
        #expect(await decide(gate) == (200, nil))  // now served from the verified-token cache
        server.set(Self.empty)
        clock.advance(61)  // past max-age: refetched, and the empty answer replaces the set
        #expect(await decide(gate) == (401, "Invalid token: No verification keys configured"))
    }

    @Test(arguments: [404, 410])
    func notFoundAndGoneMeanNoKeys(status: Int) async throws {
        let server = Server(FetchedDocument(status: status, data: Data("{\"detail\":\"Not Found\"}".utf8), maxAge: nil))
        let events = EventLog()
        let gate = try gate(server, clock: TestClock(), events: events)
        try await gate.start()  // an answer, not a failure: start-up succeeds
        #expect(await decide(gate) == (401, "Invalid token: No verification keys configured"))
        #expect(events.messages(.error).isEmpty)
    }

    @Test func aRevokedOnlyKeyEndsItsTokensWithinMaxAgePlusTheRefetchInterval() async throws {
        let server = Server(Self.oneKey)
        let clock = TestClock()
        let gate = try gate(server, clock: clock, events: EventLog(), extra: ["JWT_JWKS_REFETCH_INTERVAL": "30"])
        try await gate.start()
        #expect(await decide(gate) == (200, nil))
        server.set(FetchedDocument(status: 404, data: Data(), maxAge: nil))  // the only key is revoked
        clock.advance(59)
        #expect(await decide(gate) == (200, nil), "still inside max-age (60 s)")
        clock.advance(60 + 30 - 59)
        #expect(await decide(gate) == (401, "Invalid token: No verification keys configured"))
    }

    @Test func failuresKeepTheLastGoodSetUntilTheMaximumStalenessThenFailClosed() async throws {
        let server = Server(Self.oneKey)
        let clock = TestClock()
        let events = EventLog()
        let gate = try gate(server, clock: clock, events: events)
        try await gate.start()
        server.set(FetchedDocument(status: 503, data: Data(), maxAge: nil))
        clock.advance(600)
        #expect(await decide(gate) == (200, nil), "a transient failure keeps the keys")
        #expect(events.messages(.warning).contains { $0.contains("HTTP status 503") && $0.contains("keeping the keys fetched 600 s ago") })
        server.set(nil)  // unreachable
        clock.advance(3001)  // 3601 s since the last success, default JWT_JWKS_MAX_STALENESS 3600
        #expect(await decide(gate) == (401, "Invalid token: verification keys unavailable"))
        #expect(await decide(gate) == (401, "Invalid token: verification keys unavailable"))
        let errors = events.messages(.error)
        #expect(errors.contains { $0.contains("refusing every token until a fetch succeeds") }, "\(errors)")
        #expect(errors.filter { $0.contains("refusing every token") }.count == 1, "the transition is reported once: \(errors)")
        server.set(Self.oneKey)
        clock.advance(1)
        #expect(await decide(gate) == (200, nil), "a successful fetch restores service")
    }

    @Test func theMaximumStalenessIsConfigurable() async throws {
        let server = Server(Self.oneKey)
        let clock = TestClock()
        let gate = try gate(server, clock: clock, events: EventLog(), extra: ["JWT_JWKS_MAX_STALENESS": "120"])
        try await gate.start()
        server.set(nil)
        clock.advance(119)
        #expect(await decide(gate) == (200, nil))
        clock.advance(2)
        #expect(await decide(gate) == (401, "Invalid token: verification keys unavailable"))
    }

    @Test func aFailedFirstFetchRefusesTokensUntilOneSucceeds() async throws {
        let server = Server(nil)
        let clock = TestClock()
        let gate = try gate(server, clock: clock, events: EventLog())
        let failed = AgentOSAuthError(.invalidKey, "fetching JWKS from https://cp.example.test/jwks.json failed: connection refused")
        await #expect(throws: failed) { try await gate.start() }
        #expect(await decide(gate) == (401, "Invalid token: verification keys unavailable"))
        server.set(Self.oneKey)
        clock.advance(1)
        #expect(await decide(gate) == (200, nil))
    }

    /// One fetch at a time: requests that find the set due while a slow refetch runs wait for
    /// it (and get the new set) rather than each start their own.
    @Test func requestsArrivingDuringAFetchWaitForIt() async throws {
        let fetches = Atomic<Int>(0)
        let rotated = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa2, kid: "k2")])
        let fetcher: DocumentFetcher = { _ in
            guard fetches.add(1, ordering: .relaxed).newValue > 1 else { return Self.oneKey }
            try await Task.sleep(for: .milliseconds(300))
            return FetchedDocument(data: rotated, maxAge: 60)
        }
        let clock = TestClock()
        let configuration = try AgentOSAuthConfiguration(environment: [
            "JWT_JWKS_URL": "https://cp.example.test/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "0",
        ])
        let gate = try AuthGate(configuration: configuration, fetcher: fetcher, now: clock.function, onEvent: EventLog().handler)
        try await gate.start()
        clock.advance(61)  // past max-age: every request below finds the set due
        let token = TestTokens.make(key: .rsa2, header: ["kid": "k2"]) {
            $0["scopes"] = ["agent_os:admin"]
            $0["exp"] = Int(Date().timeIntervalSince1970) + 100_000
        }
        await withTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<20 { group.addTask { await decide(gate, token) } }
            for await result in group { #expect(result == (200, nil), "verified with the set the one refetch brought") }
        }
        #expect(fetches.load(ordering: .relaxed) == 2, "start-up's fetch and one refetch")
    }

    /// The library does no I/O of its own: a URL to fetch without a fetcher is refused at once,
    /// not discovered at the first request.
    @Test(arguments: [
        ["JWT_JWKS_URL": "https://cp.example.test/jwks.json"],
        ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "JWT_STATUS_LIST_ORIGIN": "https://cp.example.test"],
    ])
    func aSettingToFetchNeedsAFetcher(settings: [String: String]) throws {
        let configuration = try AgentOSAuthConfiguration(environment: settings.merging(["AGENT_OS_ID": TestTokens.osID]) { $1 })
        let setting = settings.keys.first { $0 != "JWT_VERIFICATION_KEY" } ?? ""
        let error = #expect(throws: AgentOSAuthError.self) { try AuthGate(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration && error?.message.hasPrefix("\(setting) is set but the gate has no fetcher") == true)
    }

    @Test func bodiesOver64KiBAreFailures() async throws {
        let big = FetchedDocument(data: Data(repeating: 0x20, count: RemoteJWKS.maximumDocumentBytes + 1), maxAge: 60)
        let server = Server(big)
        let gate = try gate(server, clock: TestClock(), events: EventLog())
        await #expect {
            try await gate.start()
        } throws: { error in
            (error as? AgentOSAuthError)?.message.contains("exceeds 65536 bytes") == true
        }
    }

    @Test(
        arguments: [
            ("public, max-age=300", 300.0), ("max-age=0", 0.0), ("no-store", 0.0), ("no-cache, max-age=60", 0.0), ("private", nil),
            (nil, nil), ("max-age=inf", nil), ("max-age=Infinity", nil), ("max-age=1e9", nil), ("max-age=-1", nil),
            ("max-age=1.5", nil), ("max-age=", nil), ("max-age=86400", 86_400), ("max-age=86401", 86_400),
            ("max-age=99999999999999999999", 86_400), ("max-age=\"120\"", 120),
        ] as [(String?, Double?)]
    )
    func cacheControl(header: String?, maxAge: Double?) {
        #expect(FetchedDocument.maxAge(cacheControl: header) == maxAge)
    }

    @Test func aFetcherReportingAnInfiniteMaxAgeGetsTheDefault() async throws {
        let server = Server(FetchedDocument(data: Self.oneKey.data, maxAge: .infinity))
        let clock = TestClock()
        let gate = try gate(server, clock: clock, events: EventLog())
        try await gate.start()
        #expect(server.fetches.load(ordering: .relaxed) == 1)
        clock.advance(301)  // the default max-age is 300 s
        _ = await decide(gate)
        #expect(server.fetches.load(ordering: .relaxed) == 2)
    }

    @Test(arguments: [
        ("https://cp.example.test/jwks.json", true), ("http://127.0.0.1:8080/jwks.json", true), ("http://127.8.9.10/jwks", true),
        ("http://localhost:9000/jwks", true), ("http://[::1]:9000/jwks", true), ("http://cp.example.test/jwks.json", false),
        ("http://127.0.0.1.evil.test/jwks", false), ("http://10.0.0.1/jwks", false), ("ftp://cp.example.test/jwks", false),
        ("file:///etc/jwks.json", false), ("https:///jwks.json", false),
    ])
    func jwksURLMustBeHTTPSExceptLoopback(url: String, allowed: Bool) {
        let result = Result { try AgentOSAuthConfiguration(environment: ["JWT_JWKS_URL": url, "AGENT_OS_ID": "os"]) }
        switch result {
        case .success: #expect(allowed, "\(url) should be refused")
        case .failure(let error):
            #expect(!allowed, "\(url): \(error)")
            #expect((error as? AgentOSAuthError)?.code == .invalidConfiguration)
            #expect("\(error)".contains("JWT_JWKS_URL must be an https URL"))
        }
    }

    @Test func aJWKSURLSetInCodeIsCheckedToo() {
        var configuration = AgentOSAuthConfiguration()
        configuration.jwksURL = URL(string: "http://cp.example.test/jwks.json")
        configuration.osID = "os"
        #expect(
            throws: AgentOSAuthError(
                .invalidConfiguration,
                "JWT_JWKS_URL must be an https URL (plain http only to localhost, 127.0.0.0/8 or ::1): http://cp.example.test/jwks.json"
            )
        ) {
            try AuthGate(configuration: configuration)
        }
    }

    @Test(arguments: ["0", "-5", "abc", "inf"])
    func maxStalenessMustBePositive(value: String) {
        #expect(throws: AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_MAX_STALENESS must be a positive number of seconds")) {
            try AgentOSAuthConfiguration(environment: ["JWT_JWKS_MAX_STALENESS": value])
        }
    }
}
