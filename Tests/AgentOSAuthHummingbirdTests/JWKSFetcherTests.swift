import AgentOSAuthHTTPClient
import AgentOSAuthTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AgentOSAuth

/// `HTTPClientDocumentFetcher` against a real HTTP server on loopback: statuses, redirects,
/// size limits, deadlines and `Cache-Control` as the verifier sees them.
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
        router.get("/lists/list") { request, _ in
            // Answers only what a status-list fetch asks for.
            guard request.headers[.accept] == "application/statuslist+jwt" else { return Response(status: .notAcceptable) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x20, count: 70 * 1024)))
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

    /// What `RemoteJWKS` asks for.
    static func jwks(_ url: URL) -> DocumentRequest {
        DocumentRequest(url: url, accept: "application/json", maximumBytes: 65_536, setting: "JWT_JWKS_URL", name: "the JWKS")
    }

    func fetch(_ port: Int, _ path: String) async throws -> FetchedDocument {
        try await HTTPClientDocumentFetcher().fetch(Self.jwks(try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))))
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

    /// The fetcher's deadline ends a fetch nobody answers.
    @Test func anUnansweredFetchFailsAtTheDeadline() async throws {
        try await withServer { port in
            let fetcher = HTTPClientDocumentFetcher(deadline: .seconds(1))
            let silent = Self.jwks(try #require(URL(string: "http://127.0.0.1:\(port)/silent")))
            let started = ContinuousClock.now
            await #expect(throws: AgentOSAuthError(.invalidKey, "JWT_JWKS_URL: no answer within 1 s")) {
                _ = try await fetcher.fetch(silent)
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .seconds(1) && waited < .milliseconds(2500), "\(waited)")
            // A prompt answer is not affected.
            let prompt = Self.jwks(try #require(URL(string: "http://127.0.0.1:\(port)/jwks")))
            #expect(try await fetcher.fetch(prompt).status == 200)
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

    /// A status list is asked for as one, with its own, larger limit.
    @Test func aRequestCarriesItsAcceptHeaderAndLimit() async throws {
        try await withServer { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/lists/list"))
            let list = DocumentRequest(
                url: url,
                accept: "application/statuslist+jwt",
                maximumBytes: 262_144,
                setting: "JWT_STATUS_LIST_ORIGIN",
                name: "the status list"
            )
            let answer = try await HTTPClientDocumentFetcher().fetch(list)
            #expect(answer.status == 200 && answer.data.count == 70 * 1024)
            #expect(try await HTTPClientDocumentFetcher().fetch(Self.jwks(url)).status == 406)
        }
    }

    @Test func plainHTTPToARemoteHostIsNeverFetched() async throws {
        await #expect(throws: AgentOSAuthError(.invalidKey, "JWT_JWKS_URL must be https (plain http only to a loopback host)")) {
            _ = try await HTTPClientDocumentFetcher().fetch(Self.jwks(URL(string: "http://cp.example.test/jwks.json")!))
        }
    }

    @Test func aGateOnARedirectingURLFailsToStartAndRefusesTokens() async throws {
        try await withServer { port in
            let environment = ["JWT_JWKS_URL": "http://127.0.0.1:\(port)/redirect", "AGENT_OS_ID": TestTokens.osID]
            let events = EventLog()
            let gate = try AuthGate(
                configuration: try AgentOSAuthConfiguration(environment: environment),
                fetcher: HTTPClientDocumentFetcher().fetch,
                onEvent: events.handler
            )
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
