import ArgumentParser
import ControlPlane
import Foundation
import Logging

/// `controlplane admin-key create`: prints a new superuser API key once (for external databases).
struct AdminKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-key",
        abstract: "Manage superuser API keys.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a superuser API key and print it once.")
        @Option(help: "A name for the key.") var name = "admin"
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withOneShotService(database) { service, _ in
                let key = try await service.authentication.createSuperuserKey(name: name)
                FileHandle.standardOutput.write(Data((key + "\n").utf8))
            }
        }
    }
}

/// Opens the database (embedded or external), migrates, runs `body`, closes.
func withOneShotService<T: Sendable>(_ options: DatabaseOptions, _ body: @Sendable (ControlPlaneServices, Logger) async throws -> T)
    async throws -> T
{
    let logger = makeLogger()
    do {
        let session = try await DatabaseSession.open(options, logger: logger)
        defer { session.close(logger: logger) }
        return try await session.withMigratedService(options, logger: logger) { try await body($0, logger) }
    } catch let error as ExitCode {
        throw error
    } catch {
        throw fail("\(error)")
    }
}
