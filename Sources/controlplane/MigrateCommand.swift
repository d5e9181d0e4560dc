import ArgumentParser
import ControlPlane
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and exit."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger()
        let session: DatabaseSession
        do {
            session = try await DatabaseSession.open(database, logger: logger)
        } catch {
            throw fail("\(error)")
        }
        try await session.closing(logger: logger) {
            do {
                try await session.migrate(logger: logger)
            } catch {
                throw fail("\(error)")
            }
        }
    }
}
