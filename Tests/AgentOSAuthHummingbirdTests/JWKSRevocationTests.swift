import AgentOSAuth
import AgentOSAuthHTTPClient
import AgentOSAuthTestSupport
import DemoOS
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The scenario of issue #13: the only published key is revoked. demo-os on `JWT_JWKS_URL`
/// (a real HTTP server, real clock) must refuse its tokens within max-age + refetch interval,
/// whether the issuer answers `{"keys": []}` or 404.
@Suite("Revoking the only key ends its tokens on a JWKS-URL OS")
struct JWKSRevocationTests {
    enum Published: String, Sendable, CaseIterable {
        case emptySet, notFound
    }

    @Test(arguments: Published.allCases)
    func revokedOnlyKey(answer: Published) async throws {
        let revoked = Atomic<Bool>(false)
        let document = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1")])
        let issuer = Router()
        issuer.get("/jwks.json") { _, _ in
            let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "max-age=1"]
            guard revoked.load(ordering: .relaxed) else {
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
            }
            switch answer {
            case .emptySet: return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"keys": []}"#)))
            case .notFound: return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"detail":"Not Found"}"#)))
            }
        }
        try await Application(router: issuer).test(.live) { issuerClient in
            let port = try #require(issuerClient.port)
            let environment = [
                "JWT_JWKS_URL": "http://127.0.0.1:\(port)/jwks.json", "AGENT_OS_ID": TestTokens.osID, "JWT_JWKS_REFETCH_INTERVAL": "1",
            ]
            let gate = try AuthGate(
                configuration: try AgentOSAuthConfiguration(environment: environment),
                fetcher: HTTPClientDocumentFetcher().fetch
            )
            try await gate.start()
            let token = TestTokens.make(header: ["kid": "k1"]) { $0["scopes"] = ["agent_os:admin"] }
            try await Application(router: DemoOS.buildRouter(gate: gate, osID: TestTokens.osID)).test(.router) { os in
                func agents() async throws -> (Int, String?) {
                    try await os.execute(uri: "/agents", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                        let json = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                        return (Int(response.status.code), json?["detail"] as? String)
                    }
                }
                #expect(try await agents().0 == 200)
                revoked.store(true, ordering: .relaxed)
                let start = ContinuousClock.now
                var last = try await agents()
                // max-age 1 s + refetch interval 1 s is the bound under test; 3 s of slack for a loaded machine.
                while last.0 == 200, ContinuousClock.now - start < .seconds(5) {
                    try await Task.sleep(for: .milliseconds(100))
                    last = try await agents()
                }
                let elapsed = ContinuousClock.now - start
                #expect(last == (401, "Invalid token: No verification keys configured"), "\(answer)")
                #expect(elapsed <= .seconds(5), "refused after \(elapsed)")
            }
        }
    }
}
