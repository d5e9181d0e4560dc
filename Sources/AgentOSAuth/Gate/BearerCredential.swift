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
    ///
    /// Scans the contiguous UTF-8 buffer: `UTF8View.contains(where:)` walks the view index by
    /// index and was a visible share of an authorised request on a 1.3 KB header.
    static func parseASCII(_ header: String) -> String? {
        var header = header
        return header.withUTF8 { bytes -> String? in
            var start = 0
            var end = bytes.count
            // In ASCII, Foundation's `.whitespaces` is space and tab.
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
            var high: UInt8 = 0
            for byte in bytes { high |= byte }
            guard high < 0x80 else { return nil }
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            if end - start >= 7 {
                // ASCII letters lower-case by setting 0x20; the seventh byte must be the space itself.
                var matches = true
                for (offset, expected) in "bearer ".utf8.enumerated() {
                    let byte = bytes[start + offset]
                    if (byte | (expected == 0x20 ? 0 : 0x20)) != expected { matches = false }
                }
                if matches {
                    start += 7
                    while start < end, isBlank(bytes[start]) { start += 1 }
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
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
