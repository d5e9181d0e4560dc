import ControlPlane
import Foundation
import PostgresNIO
import Testing

@Suite("Database configuration")
struct DatabaseConfigurationTests {
    let dataDirectory = URL(fileURLWithPath: "/tmp/cp-data")

    @Test func noSettingsMeansEmbedded() throws {
        guard case .embedded(let directory) = try DatabaseConfiguration.from(environment: [:], dataDirectory: dataDirectory)
        else { Issue.record("expected embedded"); return }
        #expect(directory == dataDirectory)
    }

    @Test func databaseURLSelectsAnExternalServer() throws {
        let environment = ["DATABASE_URL": "postgres://app:s3cr%40t@db.internal:6543/cp?sslmode=disable"]
        guard
            case .external(let configuration, let description) = try DatabaseConfiguration.from(
                environment: environment,
                dataDirectory: dataDirectory
            )
        else { Issue.record("expected external"); return }
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app")
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.database == "cp")
        #expect(!description.contains("s3cr"))
    }

    @Test func postgresVariablesSelectAnExternalServer() throws {
        let environment = [
            "POSTGRES_HOSTNAME": "pg", "POSTGRES_PORT": "5433", "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "d",
        ]
        guard case .external(let configuration, _) = try DatabaseConfiguration.from(environment: environment, dataDirectory: dataDirectory)
        else { Issue.record("expected external"); return }
        #expect(configuration.host == "pg" && configuration.port == 5433 && configuration.database == "d")
    }

    @Test(arguments: [
        "mysql://u:hunter2@h/db", "postgres://u:hunter2@/db", "postgres://u:hunter2@h:99999/db", "postgres://u:hunter2@h/db?sslmode=bogus",
    ])
    func badURLsFailWithoutEchoingThePassword(url: String) {
        #expect {
            try DatabaseConfiguration.from(environment: ["DATABASE_URL": url], dataDirectory: dataDirectory)
        } throws: { error in
            error is DatabaseConfigurationError && !"\(error)".contains("hunter2")
        }
    }

    @Test func unreachableServerFailsQuicklyWithAClearMessage() async throws {
        let environment = ["DATABASE_URL": "postgres://app:hunter2@127.0.0.1:1/cp?sslmode=disable"]
        guard
            case .external(let configuration, let description) = try DatabaseConfiguration.from(
                environment: environment,
                dataDirectory: dataDirectory
            )
        else { Issue.record("expected external"); return }
        let started = ContinuousClock.now
        await #expect {
            try await DatabaseStartup.checkReachable(
                configuration,
                described: description,
                timeout: .seconds(3),
                logger: TestCluster.logger
            )
        } throws: { error in
            let message = "\(error)"
            return message.contains("127.0.0.1:1") && !message.contains("hunter2")
        }
        // Bounded by the 3 s timeout, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
