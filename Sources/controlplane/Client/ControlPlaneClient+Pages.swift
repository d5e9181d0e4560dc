extension ControlPlaneClient {
    /// The largest page the API answers: the fewest requests for a whole list.
    static let pageLimit = 500

    /// Every item of a paged list, page after page in the list's order, until a page answers no
    /// `next_cursor` (docs/api.md, "Lists page"). `page` asks for the page after a cursor (`nil`:
    /// the first) and answers its items and its `next_cursor`.
    func everyPage<Item>(_ page: (Client, String?) async throws -> (items: [Item], next: String?)) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        repeat {
            let answer = try await call { [cursor] in try await page($0, cursor) }
            items += answer.items
            cursor = answer.next
        } while cursor != nil
        return items
    }
}
