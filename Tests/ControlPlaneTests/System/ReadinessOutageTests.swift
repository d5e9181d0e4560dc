import ControlPlane
import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

extension SystemTests {
    @Suite("Readiness across a database outage")
    struct ReadinessOutageTests {
        @Test func readyFollowsTheDatabaseGoingAwayAndComingBack() async throws {
            try await TestCluster.withPrivateCluster(prefix: "cpr") { cluster, client, migrations in
                let router = ControlPlaneServer.buildRouter(
                    .init(client: client, services: HealthRoutesTests().services(client), migrations: migrations)
                )
                try await Application(router: router, logger: TestCluster.logger).test(.router) { http in
                    try await http.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
                    try await cluster.stop()
                    let started = ContinuousClock.now
                    try await http.execute(uri: "/ready", method: .get) { response in
                        #expect(response.status == .serviceUnavailable)
                        // No database error text to anyone.
                        #expect(
                            HealthRoutesTests().json(response.body) as? [String: String] == [
                                "status": "unavailable", "reason": "database unavailable",
                            ]
                        )
                    }
                    // Promptly (a 1 s connect timeout), with room for a loaded 2-core machine; a hang would be ≥ 60 s.
                    #expect(ContinuousClock.now - started < .seconds(10))
                    try await http.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
                    try await cluster.start(logger: TestCluster.logger)
                    var status = HTTPResponse.Status.serviceUnavailable
                    for _ in 0..<40 where status != .ok {
                        try await http.execute(uri: "/ready", method: .get) { status = $0.status }
                        if status != .ok { try await Task.sleep(for: .milliseconds(250)) }
                    }
                    #expect(status == .ok)
                }
            }
        }
    }
}
