import Foundation

/// The credential of an `Authorization` header: `Bearer ` is optional and case-insensitive, and
/// surrounding whitespace is ignored (Agno's reading).
///
/// An all-ASCII header, which every real token is, is read on its UTF-8 bytes: Foundation's
/// trimming and case mapping walk the string as UTF-16 and were most of the cost of an
/// authorised request on an 800-byte header (docs/performance.md). Anything else takes the
/// general path, which decides the same way for the inputs both accept (`BearerCredentialTests`).
enum BearerCredential {
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        if let ascii = parseASCII(header) { return ascii.isEmpty ? nil : ascii }
        return parseGeneral(header)
    }

    /// `nil` when the header is not all ASCII; otherwise the credential, empty for none.
    static func parseASCII(_ header: String) -> String? {
        let bytes = header.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        // In ASCII, Foundation's `.whitespaces` is space and tab.
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        if bytes.distance(from: start, to: end) >= 7 {
            let prefix = bytes[start..<bytes.index(start, offsetBy: 7)]
            // ASCII letters lower-case by setting 0x20; the seventh byte must be the space itself.
            if zip(prefix, "bearer ".utf8).allSatisfy({ ($0 | ($1 == 0x20 ? 0 : 0x20)) == $1 }) {
                start = bytes.index(start, offsetBy: 7)
                while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
            }
        }
        return String(Substring(bytes[start..<end]))
    }

    /// The Foundation reading, for headers with non-ASCII characters.
    static func parseGeneral(_ header: String) -> String? {
        var value = header.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        if value.count >= 7, value.prefix(7).lowercased() == "bearer " {
            value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return value.isEmpty ? nil : value
    }
}
