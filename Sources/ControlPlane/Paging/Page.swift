/// One page of a list: at most the asked number of items in the list's fixed order, and the
/// cursor of the page after it (`nil` on the last page). Every list operation pages, so what one
/// request costs grows with the page, not with the organisation (docs/api.md, "Lists page").
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque; hand it back as `cursor` for the next page.
    public var next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }

    /// The page of `rows`, read with one row more than `request.limit` (``PageRequest/fetch``):
    /// that extra row only tells that a next page exists; the cursor names the last row kept.
    static func of(_ rows: [Item], _ request: PageRequest, list: ListCursor.List, key: (Item) -> [String]) -> Page {
        guard rows.count > request.limit else { return Page(items: rows, next: nil) }
        let items = Array(rows.prefix(request.limit))
        return Page(items: items, next: items.last.map { ListCursor.encode(list, key($0)) })
    }

    /// The same page with its items transformed.
    public func map<Other: Sendable>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), next: next)
    }
}
