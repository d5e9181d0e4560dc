import AgentOSAuthTestSupport
import Foundation
import HTTPTypes
import Testing

extension SystemTests {
    /// The verifier's conformance table (docs/agno-compatibility.md), every row, sent through the
    /// built `agentos-gateway` in front of a real Agno AgentOS 3.1.10 (`examples/agno_os.py`)
    /// configured as the row's server was: what the gateway refuses it answers as Agno would, and
    /// what it forwards, Agno answers (listings filtered by Agno itself, runs echoed).
    ///
    /// The configurations `examples/agno_os.py` can take: A (a PEM), B (Agno's defaults: the
    /// gateway's safer defaults off too, Agno's audience check off) and J (a JWKS file). C, E, S
    /// and N need an OS configured in ways the example does not offer (a pinned issuer, a security
    /// key, no authentication); the gateway's answers for them are checked in front of demo-os
    /// (`GatewayConformanceTests`).
    @Suite("agentos-gateway: the conformance table in front of a real Agno")
    struct GatewayAgnoConformanceTests {
        @Test(arguments: [AgnoServer.A, .B, .J])
        func server(_ server: AgnoServer) async throws {
            let python = try await AgnoInteropTests.python()
            var agnoEnvironment = ["AGENT_OS_ID": TestTokens.osID, "HOME": NSTemporaryDirectory()]
            if server == .J {
                agnoEnvironment["JWT_JWKS_FILE"] = AgnoServer.jwksFile
            } else {
                agnoEnvironment["JWT_VERIFICATION_KEY"] = TestTokens.rsa1PEM
            }
            if server == .B { agnoEnvironment["AGNO_VERIFY_AUDIENCE"] = "false" }
            try await ServerProcess.withServer(
                python,
                [AgnoInteropTests.script, "--port", "0"],
                environment: agnoEnvironment,
                seconds: 60
            ) { agno in
                var environment = server.environment
                environment["AGENTOS_UPSTREAM_URL"] = agno.baseURL
                environment["GATEWAY_PORT"] = "0"
                environment["GATEWAY_METRICS_PORT"] = "off"
                try await ServerProcess.withServer(GatewayAgnoTests.binary, [], environment: environment) { gateway in
                    try await Self.check(server, through: gateway)
                }
            }
        }

        /// Sends every row; the table is rebuilt every 2 s, because its tokens' times are relative
        /// to when it was built ("expired 5 s ago" must not drift past the 10 s leeway) and two
        /// real servers, not a frozen clock, judge them here.
        static func check(_ server: AgnoServer, through gateway: ServerProcess) async throws {
            var built = ContinuousClock.now
            var rows = ConformanceTable.rows(for: server)
            for index in rows.indices {
                if ContinuousClock.now - built > .seconds(2) {
                    built = .now
                    rows = ConformanceTable.rows(for: server)
                }
                let row = rows[index]
                var headers = HTTPFields()
                switch row.credential {
                case .none: break
                case .header(let value): headers[.authorization] = value
                case .cookie(let value): headers[.cookie] = value
                }
                let reply = try await HTTP.send(row.method, gateway.baseURL + row.path, form: row.body, headers: headers, timeout: 30)
                let mismatches = row.mismatches(status: reply.status, body: reply.body)
                #expect(mismatches.isEmpty, "\(server.rawValue) \(row): \(mismatches)")
            }
        }
    }
}
