import ArgumentParser
import ControlPlane
import Foundation
import Logging

/// Options shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Data directory for the embedded PostgreSQL and generated secrets (env CONTROL_PLANE_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Directory of the SQL migrations (env CONTROL_PLANE_MIGRATIONS_DIR).")
    var migrationsDir: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var dataDirectory: URL {
        let path = dataDir ?? environment["CONTROL_PLANE_DATA_DIR"] ?? ".controlplane"
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    var migrationsDirectory: URL {
        if let migrationsDir { return URL(fileURLWithPath: migrationsDir) }
        return Migration.defaultDirectory(environment: environment)
    }
}

/// Creates the process logger; only the executable bootstraps logging.
func makeLogger() -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .info
        return handler
    }
    var logger = Logger(label: "controlplane")
    if let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
        logger.logLevel = level
    }
    return logger
}

/// Reports one failure on stderr (a line, or JSON under `--json`) and returns exit code 1 to
/// throw: failures are never stack traces.
///
/// - Parameters:
///   - code: A word for scripts reading `--json` (the server's code when it answered).
///   - status: The HTTP status the server answered, if it answered.
func fail(_ message: String, code: String = "failed", status: Int? = nil) -> ExitCode {
    ErrorReport.write(message, code: code, status: status)
    return ExitCode(1)
}
