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
                    // Within the check's 2 s (docs/operations.md, "Health") and the margin for a loaded
                    // machine (DatabaseOutageTests.margin): a check that waited twice as long fails.
                    let answered = ContinuousClock.now - started
                    #expect(answered < .seconds(2) + DatabaseOutageTests.margin, "answered after \(answered)")
                    try await http.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
                    try await cluster.start(logger: TestCluster.logger)
                    // Ready again as soon as the pool reconnects (DatabaseOutageTests.recovery), asked
                    // every 100 ms until the bound has passed.
                    let up = ContinuousClock.now
                    let bound = DatabaseOutageTests.recovery + DatabaseOutageTests.margin
                    var status = HTTPResponse.Status.serviceUnavailable
                    while status != .ok, ContinuousClock.now - up < bound {
                        try await http.execute(uri: "/ready", method: .get) { status = $0.status }
                        if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    let recovered = ContinuousClock.now - up
                    #expect(status == .ok && recovered < bound, "ready after \(recovered): \(status)")
                }
            }
        }
    }
}
