import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Synchronization
import Testing

/// The cache timing of the JWKS and of the status lists: the defaults the docs state, the
/// environment's overrides, and a policy set in code reaching the cache.
@Suite("Remote document policy: defaults, environment, code")
struct RemoteDocumentPolicyTests {
    static let jwksURL = "https://cp.example.test/jwks.json"

    @Test func theDefaultsAreTheDocumentedOnes() throws {
        // docs/agno-compatibility.md: JWKS 30 s / 3600 s, status lists 10 s / 600 s; without a
        // max-age a JWKS is fresh for 300 s, without a ttl a list for 60 s.
        let jwks = RemoteDocumentPolicy(refetchInterval: 30, defaultLifetime: 300, maxStaleness: 3600)
        let lists = RemoteDocumentPolicy(refetchInterval: 10, defaultLifetime: 60, maxStaleness: 600)
        let configuration = AgentOSAuthConfiguration()
        #expect(configuration.jwksPolicy == jwks)
        #expect(configuration.statusListPolicy == lists)
        let fetcher: DocumentFetcher = { _ in FetchedDocument(status: 404, data: Data(), maxAge: nil) }
        #expect(RemoteJWKS(url: try #require(URL(string: Self.jwksURL)), fetcher: fetcher).policy == jwks)
        #expect(try StatusListChecker(origin: "https://cp.example.test", fetcher: fetcher).policy == lists)
    }

    @Test func theEnvironmentSetsTheIntervalAndTheStalenessOfEachDocument() throws {
        let configuration = try AgentOSAuthConfiguration(environment: [
            "JWT_JWKS_REFETCH_INTERVAL": "7", "JWT_JWKS_MAX_STALENESS": "90",
            "JWT_STATUS_LIST_REFETCH_INTERVAL": "3", "JWT_STATUS_LIST_MAX_STALENESS": "45",
        ])
        #expect(configuration.jwksPolicy == RemoteDocumentPolicy(refetchInterval: 7, defaultLifetime: 300, maxStaleness: 90))
        #expect(configuration.statusListPolicy == RemoteDocumentPolicy(refetchInterval: 3, defaultLifetime: 60, maxStaleness: 45))
    }

    @Test func aDefaultLifetimeSetInCodeDecidesWhenAJWKSWithoutMaxAgeIsRefetched() async throws {
        let server = RemoteJWKSTests.Server(FetchedDocument(data: RemoteJWKSTests.oneKey.data, maxAge: nil))
        let clock = TestClock()
        var configuration = AgentOSAuthConfiguration()
        configuration.jwksURL = URL(string: Self.jwksURL)
        configuration.osID = TestTokens.osID
        configuration.jwksPolicy = RemoteDocumentPolicy(refetchInterval: 0, defaultLifetime: 20, maxStaleness: 3600)
        let gate = try AuthGate(configuration: configuration, fetcher: server.fetcher, now: clock.function, onEvent: EventLog().handler)
        try await gate.start()
        let probe = RemoteJWKSTests()
        #expect(await probe.decide(gate) == (200, nil))
        server.set(RemoteJWKSTests.empty)  // the key is withdrawn; the cache still holds it
        clock.advance(19)
        #expect(await probe.decide(gate) == (200, nil), "fresh for the policy's 20 s")
        #expect(server.fetches.load(ordering: .relaxed) == 1, "no refetch while fresh")
        clock.advance(2)
        #expect(await probe.decide(gate) == (401, "Invalid token: No verification keys configured"), "refetched after 20 s, not 300 s")
    }
}
