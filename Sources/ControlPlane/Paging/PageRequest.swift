/// Which page of a list a caller asks for: how many items and after which cursor.
public struct PageRequest: Sendable {
    /// Items per page when the caller names none.
    public static let defaultLimit = 100
    /// The most items one page holds.
    public static let maxLimit = 500
    /// The longest cursor accepted (every cursor this service writes is far shorter).
    static let maxCursorLength = 1024

    public var limit: Int
    /// `nil` for the first page.
    public var cursor: String?

    /// Validates what the caller sent: `limit` 1-500 (default 100), `cursor` as a previous page
    /// answered it.
    public init(limit: Int? = nil, cursor: String? = nil) throws {
        let limit = limit ?? Self.defaultLimit
        guard (1...Self.maxLimit).contains(limit) else { throw ControlPlaneError.invalid("limit must be 1-\(Self.maxLimit)") }
        if let cursor, cursor.isEmpty || cursor.utf8.count > Self.maxCursorLength {
            throw ControlPlaneError.invalid("cursor must be 1-\(Self.maxCursorLength) characters, as next_cursor answered it")
        }
        self.limit = limit
        self.cursor = cursor
    }

    /// Rows a store reads for this page: one more than the limit, to know whether a next page
    /// exists.
    var fetch: Int { limit + 1 }

    /// The key of the last item of the previous page (`nil` on the first page); a 400 for a
    /// cursor that is not one of `list`'s.
    func after(_ list: ListCursor.List) throws -> [String]? {
        try cursor.map { try ListCursor.decode($0, list: list) }
    }
}
