import ControlPlane
import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("Health, readiness and the HTTP skeleton")
struct HealthRoutesTests {
    func services(_ client: PostgresClient) -> ControlPlaneServices {
        ControlPlaneServices(client: client, masterKeys: ControlPlaneHarness.masterKeys, logger: TestCluster.logger)
    }

    func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func healthAndReadyOnAMigratedDatabase() async throws {
        try await TestCluster.withDatabase { client, _ in
            // Whether the database answers in time is ReadinessOutageTests' subject (2 s); here a
            // machine busy with the rest of the suite must not decide what "migrated" answers.
            let router = ControlPlaneServer.buildRouter(
                .init(
                    client: client,
                    services: services(client),
                    migrations: .init(migrations: try TestCluster.migrations),
                    readinessTimeout: .seconds(30)
                )
            )
            let app = Application(router: router, logger: TestCluster.logger)
            try await app.test(.router) { http in
                try await http.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(json(response.body)["status"] as? String == "ok")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
                }
                try await http.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(json(response.body)["status"] as? String == "ready")
                }
            }
        }
    }

    @Test func unknownRouteIsA404InTheErrorShape() async throws {
        try await TestCluster.withDatabase { client, _ in
            let router = ControlPlaneServer.buildRouter(
                .init(client: client, services: services(client), migrations: .init(migrations: try TestCluster.migrations))
            )
            try await Application(router: router, logger: TestCluster.logger).test(.router) { http in
                try await http.execute(uri: "/no/such/route", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let error = try #require(json(response.body)["error"] as? [String: Any])
                    #expect(error["code"] as? String == "not_found")
                    #expect((error["message"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    @Test func readyIs503WhileMigrationsArePending() async throws {
        try await TestCluster.withDatabase(migrated: false) { client, _ in
            let router = ControlPlaneServer.buildRouter(
                .init(client: client, services: services(client), migrations: .init(migrations: try TestCluster.migrations))
            )
            try await Application(router: router, logger: TestCluster.logger).test(.router) { http in
                try await http.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    // A generic reason only, since /ready is unauthenticated: the file names go to the log.
                    #expect(json(response.body) as? [String: String] == ["status": "unavailable", "reason": "migrations pending"])
                }
            }
        }
    }
}
