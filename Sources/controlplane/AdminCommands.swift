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
                let key = try await service.createSuperuserKey(name: name)
                FileHandle.standardOutput.write(Data((key + "\n").utf8))
            }
        }
    }
}

/// `controlplane keys rewrap`: re-seals every private key under the first KEK.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Signing-key custody.", subcommands: [Rewrap.self])

    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-seal every private signing key under the first key-encryption key.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withOneShotService(database) { service, _ in
                let count = try await service.rewrapAllKeys()
                FileHandle.standardOutput.write(Data("rewrapped \(count) key(s) under KEK \(service.masterKeys.currentID)\n".utf8))
            }
        }
    }
}

/// `controlplane audit verify --org <slug>`: recomputes the chain, names the first broken event.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify an organisation's audit chain.")
        @Option(help: "Organisation slug.") var org: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let broken: AuditEvent? = try await withOneShotService(database) { service, logger in
                let organization = try await service.organization(org)
                return try await AuditLog.firstBrokenEvent(service.client, org: organization.id, logger: logger)
            }
            if let broken {
                throw fail("audit chain of '\(org)' is broken at event \(broken.seq) (\(broken.action) \(broken.target))")
            }
            FileHandle.standardOutput.write(Data("audit chain of '\(org)' verified\n".utf8))
        }
    }
}

/// Opens the database (embedded or external), migrates, runs `body`, closes.
func withOneShotService<T: Sendable>(_ options: DatabaseOptions, _ body: @Sendable (ControlPlaneService, Logger) async throws -> T) async throws -> T {
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
