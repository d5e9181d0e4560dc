import Foundation
import PostgresNIO
import Testing

@testable import ControlPlane

@Suite("Migration runner")
struct MigrationRunnerTests {
    let logger = TestCluster.logger

    func appliedRows(_ client: PostgresClient) async throws -> [String: String] {
        var rows: [String: String] = [:]
        let result = try await client.query("SELECT name, checksum FROM schema_migrations", logger: logger)
        for try await (name, checksum) in result.decode((String, String).self) { rows[name] = checksum }
        return rows
    }

    @Test func freshDatabaseGetsEveryMigrationWithItsChecksum() async throws {
        let migrations = try TestCluster.migrations
        #expect(migrations.first?.name == "0001_initial.sql")
        try await TestCluster.withDatabase(migrated: false) { client, _ in
            let applied = try await MigrationRunner(migrations: migrations).run(on: client, logger: logger)
            #expect(applied == migrations.map(\.name))
            let rows = try await appliedRows(client)
            #expect(rows == Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0.checksum) }))
            // The checksum is the SHA-256 of the file's bytes.
            let data = try Data(contentsOf: TestCluster.migrationsDirectory.appendingPathComponent("0001_initial.sql"))
            #expect(rows["0001_initial.sql"]?.count == 64)
            #expect(Migration(name: "x", sql: String(decoding: data, as: UTF8.self)).checksum == rows["0001_initial.sql"])
            try await client.query("INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme')", logger: logger)
        }
    }

    @Test func rerunAppliesNothing() async throws {
        try await TestCluster.withDatabase { client, _ in
            let again = try await MigrationRunner(migrations: try TestCluster.migrations).run(on: client, logger: logger)
            #expect(again.isEmpty)
            let status = try await MigrationRunner(migrations: try TestCluster.migrations).status(on: client, logger: logger)
            #expect(status.pending.isEmpty)
        }
    }

    @Test func editedAppliedMigrationIsRefusedByName() async throws {
        try await TestCluster.withDatabase { client, _ in
            var edited = try TestCluster.migrations
            edited[0] = Migration(name: edited[0].name, sql: edited[0].sql + "\n-- sneaky edit\n")
            await #expect(throws: MigrationError.checksumMismatch(file: "0001_initial.sql")) {
                try await MigrationRunner(migrations: edited).run(on: client, logger: logger)
            }
            let message = MigrationError.checksumMismatch(file: "0001_initial.sql").description
            #expect(message.contains("0001_initial.sql"))
        }
    }

    @Test func failingMigrationIsRolledBackAndNamed() async throws {
        try await TestCluster.withDatabase { client, _ in
            let broken =
                try TestCluster.migrations + [
                    Migration(name: "9999_broken.sql", sql: "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;")
                ]
            await #expect {
                try await MigrationRunner(migrations: broken).run(on: client, logger: logger)
            } throws: { error in
                guard case .failed(let file, let reason) = error as? MigrationError else { return false }
                return file == "9999_broken.sql" && reason.contains("no_such_table")
            }
            #expect(try await appliedRows(client)["9999_broken.sql"] == nil)
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL", logger: logger)
            #expect(try await rows.decode(Bool.self).collect() == [true], "partial migration left a table behind")
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let migrations =
            try TestCluster.migrations + [
                // Not idempotent: a second application would fail on the duplicate table.
                Migration(name: "9000_slow.sql", sql: "SELECT pg_sleep(0.3); CREATE TABLE once_only (id int);")
            ]
        try await TestCluster.withDatabase(migrated: false) { _, configuration in
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await DatabaseStartup.withClient(configuration, logger: logger) { client in
                            try await MigrationRunner(migrations: migrations).run(on: client, logger: logger)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(results.flatMap { $0 }.sorted() == migrations.map(\.name).sorted())
            try await DatabaseStartup.withClient(configuration, logger: logger) { client in
                let count = try await appliedRows(client).count
                #expect(count == migrations.count)
            }
        }
    }

    @Test func unknownAppliedMigrationIsReported() async throws {
        try await TestCluster.withDatabase { client, _ in
            let fewer = try TestCluster.migrations
            try await client.query("INSERT INTO schema_migrations (name, checksum) VALUES ('9998_future.sql', 'x')", logger: logger)
            await #expect(throws: MigrationError.unknownApplied(file: "9998_future.sql")) {
                try await MigrationRunner(migrations: fewer).run(on: client, logger: logger)
            }
        }
    }
}
