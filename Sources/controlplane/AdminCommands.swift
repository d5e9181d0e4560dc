import ArgumentParser
import ControlPlane
import Foundation
import Logging

/// `controlplane admin-key create|list|revoke`: superuser API keys. `create` works on the database
/// (it bootstraps a server that has no key); `list` and `revoke` call the API with a superuser key.
struct AdminKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-key",
        abstract: "Manage superuser API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a superuser API key on the database and print it once.")
        @Option(help: "A name for the key (shown by `admin-key list`).") var name = "admin"
        @Option(help: "Days until the key expires (default: never).") var expiresInDays: Int?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withOneShotService(database) { service, _ in
                let key = try await service.authentication.createSuperuserKey(name: name, expiresInDays: expiresInDays)
                FileHandle.standardOutput.write(Data((key + "\n").utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Live superuser keys (never the secrets), over the API.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listSuperuserKeys(query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok.body.json
                return (page.keys, page.nextCursor)
            }
            let answer = Operations.ListSuperuserKeys.Output.Ok.Body.JsonPayload(keys: items)
            try client.emit(
                answer,
                table: answer.keys,
                [
                    Column("ID") { Cell.text($0.id) }, Column("NAME") { Cell.text($0.name) }, Column("PREFIX") { Cell.text($0.prefix) },
                    Column("CREATED") { Cell.date($0.createdAt) }, Column("EXPIRES") { Cell.date($0.expiresAt) },
                ]
            )
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a superuser key (e.g. a leaked admin.key) over the API (asks first on a terminal).",
            discussion: "The last live key can only be revoked once an organisation has an active owner."
        )
        @Argument(help: "The key id (`admin-key list`).") var id: String
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.authenticated()
            try confirmation.confirm("Revoke superuser key \(id)? Whoever holds it loses superuser access.")
            _ = try await api.call { try await $0.revokeSuperuserKey(path: .init(id: id)).noContent }
            client.emitDone("revoked superuser key \(id)")
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
        return try await session.closing(logger: logger) {
            try await session.withMigratedService(options, logger: logger) { try await body($0, logger) }
        }
    } catch let error as ExitCode {
        throw error
    } catch {
        throw fail("\(error)")
    }
}
