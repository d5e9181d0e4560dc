import PostgresNIO

/// A readable, secret-free description of a database error.
///
/// `PSQLError.description` is deliberately generic; this picks the parts that are safe to show
/// (server message, SQLSTATE, the transport error) and never the query or its bindings.
func describeDatabaseError(_ error: any Error) -> String {
    if let psql = error as? PSQLError {
        if let message = psql.serverInfo?[.message] {
            let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = psql.underlying {
            return "\(psql.code): \(underlying)"
        }
        return "\(psql.code)"
    }
    return "\(error)"
}
