import AgentOSAuth
import AgentOSAuthHummingbird
import AgentOSAuthTestSupport
import DemoOS
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Agno conformance: the live AgentOS 3.1.10 answers against demo-os")
struct AgnoConformanceTests {
    @Test(arguments: AgnoServer.allCases)
    func server(_ server: AgnoServer) async throws {
        // Tokens carry times relative to when the rows are built; the gate's clock is frozen right
        // after, so a slow, loaded run cannot push "expired 5 s ago" past the 10 s leeway.
        let rows = ConformanceTable.rows(for: server)
        let frozen = Date()
        let events = EventLog()
        let gate = try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: server.environment),
            now: { frozen },
            onEvent: events.handler
        )
        #expect(events.messages(.error).isEmpty == (server != .N), "only the open OS reports itself at start-up")
        let app = Application(router: DemoOS.buildRouter(gate: gate, osID: TestTokens.osID))
        try await app.test(.router) { client in
            for row in rows {
                var headers = HTTPFields()
                switch row.credential {
                case .none: break
                case .header(let value): headers[.authorization] = value
                case .cookie(let value): headers[.cookie] = value
                }
                var body: ByteBuffer?
                if let text = row.body {
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    body = ByteBuffer(string: text)
                }
                try await client.execute(uri: row.path, method: HTTPRequest.Method(row.method)!, headers: headers, body: body) { response in
                    let mismatches = row.mismatches(status: Int(response.status.code), body: Data(response.body.readableBytesView))
                    #expect(mismatches.isEmpty, "\(server.rawValue) \(row): \(mismatches)")
                    #expect(response.headers[.wwwAuthenticate] == nil)
                }
            }
        }
    }

    @Test func jwtTogetherWithSecurityKeyRefusesToStartByDefault() throws {
        var environment = AgnoServer.E.environment
        environment["AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT"] = nil
        let configuration = try AgentOSAuthConfiguration(environment: environment)
        #expect(
            throws: AgentOSAuthError(
                .invalidConfiguration,
                "OS_SECURITY_KEY is set together with JWT verification keys; Agno would silently ignore the security key. "
                    + "Unset one of them, or set AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT=true to accept Agno's behaviour (JWT wins)."
            )
        ) {
            try AuthGate(configuration: configuration)
        }
    }

    @Test func audienceCheckNeedsTheOSID() throws {
        let configuration = try AgentOSAuthConfiguration(environment: ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM])
        #expect(
            throws: AgentOSAuthError(
                .invalidConfiguration,
                "AGENT_OS_ID is required to check the token audience; set it to this OS's id "
                    + "(or AGENTOS_AUTH_VERIFY_AUDIENCE=false to skip the check, as Agno does by default)"
            )
        ) {
            try AuthGate(configuration: configuration)
        }
    }
}
