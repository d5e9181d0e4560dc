import Foundation

extension ListCursor {
    /// The sort key of lists in creation order: the creation time in microseconds since 1970
    /// (exactly as PostgreSQL stores it, so the next page starts right after the row, not near
    /// it) and the id, which breaks ties.
    struct TimeKey: Sendable {
        var micros: Int64
        var id: UUID

        /// A placeholder for the first page (the query ignores it then).
        static let start = TimeKey(micros: 0, id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

        init(micros: Int64, id: UUID) {
            self.micros = micros
            self.id = id
        }

        init(_ date: Date, _ id: UUID) {
            self.init(micros: Self.micros(date), id: id)
        }

        /// `date` in microseconds since 1970. A Double holds seconds since 1970 to well under a
        /// microsecond, so rounding gives back exactly what PostgreSQL stored.
        static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

        /// Reads a decoded cursor's fields; a 400 when they are not a time and an id.
        init(_ fields: [String]) throws {
            guard fields.count == 2, let id = UUID(uuidString: fields[1]) else { throw ListCursor.foreign }
            self.init(micros: try Self.micros(parsing: fields[0]), id: id)
        }

        /// The latest time a key may name: the end of year 9999, inside PostgreSQL's range (a
        /// time past it was a 500 "timestamp out of range", found by the attack on issue #30).
        static let latest: Int64 = 253_402_300_799_999_999

        /// Microseconds as this service writes them: digits only (no sign), at most ``latest``.
        static func micros(parsing text: String) throws -> Int64 {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let micros = Int64(text), micros <= latest
            else { throw ListCursor.foreign }
            return micros
        }

        var fields: [String] { [String(micros), id.uuidString.lowercased()] }
    }
}
