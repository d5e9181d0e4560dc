import AgentOSAuthTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AgentOSAuth

/// `RemoteJWKS.urlSessionFetcher` against a real HTTP server on loopback: statuses, redirects,
/// size limits and `Cache-Control` as the verifier sees them.
@Suite("JWKS fetcher over HTTP")
struct JWKSFetcherTests {
    static let document = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])

    func withServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/jwks") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=120"],
                body: .init(byteBuffer: ByteBuffer(bytes: Self.document))
            )
        }
        router.get("/forever") { _, _ in
            Response(status: .ok, headers: [.cacheControl: "max-age=inf"], body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
        router.get("/redirect") { _, _ in
            Response(status: .found, headers: [.location: "/jwks"])
        }
        router.get("/silent") { _, _ in
            // Holds the request past the test's deadline, as a hung server (or a lost answer) would.
            try await Task.sleep(for: .seconds(3))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
        router.get("/missing") { _, _ in
            Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"detail":"OS not found"}"#)))
        }
        router.get("/big") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x20, count: 70 * 1024)))
        }
        router.get("/big-stream") { _, _ in
            // No Content-Length: the limit must hold while reading.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<70 { try await writer.write(ByteBuffer(repeating: 0x20, count: 1024)) }
                    try await writer.finish(nil)
                }
            )
        }
        try await Application(router: router).test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    func fetch(_ port: Int, _ path: String) async throws -> RemoteJWKS.Response {
        try await RemoteJWKS.urlSessionFetcher(try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
    }

    func failure(_ port: Int, _ path: String) async -> String? {
        do {
            _ = try await fetch(port, path)
            return nil
        } catch {
            return (error as? AgentOSAuthError)?.message ?? "\(error)"
        }
    }

    @Test func fetchesTheDocumentAndItsMaxAge() async throws {
        try await withServer { port in
            let response = try await fetch(port, "/jwks")
            #expect(response.status == 200 && response.data == Self.document && response.maxAge == 120)
            let forever = try await fetch(port, "/forever")
            #expect(forever.status == 200 && forever.maxAge == nil, "max-age=inf is ignored")
            let missing = try await fetch(port, "/missing")
            #expect(missing.status == 404, "the status reaches RemoteJWKS, which reads 404 as no keys")
        }
    }

    /// The verifier's own deadline ends a fetch nobody answers, whatever URLSession does.
    @Test func anUnansweredFetchFailsAtTheDeadline() async throws {
        try await withServer { port in
            let fetcher = RemoteJWKS.boundedFetcher(
                limit: 65_536,
                accept: "application/json",
                setting: "JWT_JWKS_URL",
                deadline: .seconds(1)
            )
            let started = ContinuousClock.now
            await #expect(throws: AgentOSAuthError.self) {
                _ = try await fetcher(try #require(URL(string: "http://127.0.0.1:\(port)/silent")))
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .seconds(1) && waited < .milliseconds(2500), "\(waited)")
            do {
                _ = try await fetcher(try #require(URL(string: "http://127.0.0.1:\(port)/silent")))
            } catch {
                #expect((error as? AgentOSAuthError)?.message == "JWT_JWKS_URL: no answer within 1 s")
            }
            // A prompt answer is not affected.
            let prompt = try #require(URL(string: "http://127.0.0.1:\(port)/jwks"))
            #expect(try await fetcher(prompt).status == 200)
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withServer { port in
            let message = await failure(port, "/redirect")
            #expect(message == "redirect (HTTP 302) refused; JWT_JWKS_URL must name the JWKS itself", "\(message ?? "followed")")
        }
    }

    @Test(arguments: ["/big", "/big-stream"])
    func documentsOver64KiBAreCutOff(path: String) async throws {
        try await withServer { port in
            #expect(await failure(port, path) == "the document exceeds 65536 bytes")
        }
    }

    @Test func plainHTTPToARemoteHostIsNeverFetched() async throws {
        await #expect(throws: AgentOSAuthError(.invalidKey, "JWT_JWKS_URL must be https (plain http only to a loopback host)")) {
            _ = try await RemoteJWKS.urlSessionFetcher(URL(string: "http://cp.example.test/jwks.json")!)
        }
    }

    @Test func aGateOnARedirectingURLFailsToStartAndRefusesTokens() async throws {
        try await withServer { port in
            let environment = ["JWT_JWKS_URL": "http://127.0.0.1:\(port)/redirect", "AGENT_OS_ID": TestTokens.osID]
            let events = EventLog()
            let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment), onEvent: events.handler)
            let refused = "redirect (HTTP 302) refused; JWT_JWKS_URL must name the JWKS itself"
            await #expect(throws: AgentOSAuthError(.invalidKey, "fetching JWKS from \(environment["JWT_JWKS_URL"]!) failed: \(refused)")) {
                try await gate.start()
            }
            #expect(events.messages(.error).contains { $0.contains("redirect (HTTP 302) refused") })
            let token = TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }
            guard case .denied(let error) = await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)") else {
                Issue.record("a token was accepted with keys from a redirect")
                return
            }
            #expect(error.message == "Invalid token: verification keys unavailable")
        }
    }
}
