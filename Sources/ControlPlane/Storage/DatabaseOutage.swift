import PostgresNIO
import _ConnectionPoolModule

/// Whether an error means "the database is not there right now" (stopped, restarting, failing
/// over, out of connections) rather than a bug or bad input: such errors become
/// 503 + `Retry-After` (`docs/operations.md`, faults), never a 500.
public enum DatabaseOutage {
    public static func matches(_ error: any Error) -> Bool {
        if error is ConnectionPoolError { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // Class 08 (connection exception), 57P01-03 (shut down, crashed, starting up), 53300
            // (too many connections).
            guard let state = error.sqlState?.raw else { return false }
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
        default:
            return false
        }
    }
}
