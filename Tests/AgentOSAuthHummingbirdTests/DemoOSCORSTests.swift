import AgentOSAuth
import AgentOSAuthHummingbird
import AgentOSAuthTestSupport
import DemoOS
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// demo-os lets the origins of `CORS_ORIGIN_LIST` (the control plane's console) call it from a
/// browser, as Agno does: preflights pass before the token check, refusals stay readable.
@Suite("demo-os CORS_ORIGIN_LIST")
struct DemoOSCORSTests {
    static let console = "http://127.0.0.1:8080"

    func withDemoOS(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID]
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let cors = CORSOrigins(parsing: "[\"\(Self.console)\", \"https://other.example\"]")
        try await Application(router: DemoOS.buildRouter(gate: gate, osID: TestTokens.osID, cors: cors)).test(.router, body)
    }

    @Test func parsesAgnosJSONListAndCommaSeparatedOrigins() {
        #expect(CORSOrigins(parsing: "[\"http://a:1\", \"https://b\"]").origins == ["http://a:1", "https://b"])
        #expect(CORSOrigins(parsing: "http://a:1, https://b").origins == ["http://a:1", "https://b"])
        #expect(CORSOrigins(parsing: nil).origins.isEmpty && CORSOrigins(parsing: "[]").origins.isEmpty)
    }

    @Test func listedOriginsMayCallAndReadRefusals() async throws {
        try await withDemoOS { client in
            let preflight: HTTPFields = [
                .origin: Self.console, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization",
            ]
            try await client.execute(uri: "/agents/web-agent/runs", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == Self.console)
                #expect(response.headers[.accessControlAllowHeaders] == "authorization")
            }
            let token = TestTokens.scoped(["agents:read"])
            try await client.execute(uri: "/agents", method: .get, headers: [.origin: Self.console, .authorization: "Bearer \(token)"]) {
                response in
                #expect(response.status == .ok && response.headers[.accessControlAllowOrigin] == Self.console)
            }
            // A refusal carries the header too, so the page can show the OS's 403 detail.
            try await client.execute(
                uri: "/agents/web-agent/runs",
                method: .post,
                headers: [.origin: Self.console, .authorization: "Bearer \(token)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "message=hi&stream=false")
            ) { response in
                #expect(response.status == .forbidden && response.headers[.accessControlAllowOrigin] == Self.console)
            }
        }
    }

    @Test func otherOriginsGetNoCORSHeaders() async throws {
        try await withDemoOS { client in
            let preflight: HTTPFields = [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/agents", method: .options, headers: preflight) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/agents", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .unauthorized && response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
