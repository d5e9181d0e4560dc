import PostgresNIO

/// Whether PostgreSQL refused a value as text it cannot hold — a NUL character (SQLSTATE 22021,
/// `character_not_in_repertoire`), which any JSON string may carry. That is bad input, answered
/// 400 and changing nothing (the statement failed), not a server error: one rule for every field
/// that reaches a text column, validated or not.
public enum UnstorableText {
    public static func matches(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return error.sqlState?.raw == "22021"
    }
}
