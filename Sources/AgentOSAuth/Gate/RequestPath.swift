/// The one form of a request path the gate decides on: the path the router dispatches.
///
/// Hummingbird 2's trie router (2.28.1, `Trie+resolve.swift`) splits the raw path on `/`,
/// drops empty segments (`//sessions/` dispatches `/sessions`), does **not** percent-decode
/// (`%73essions` is not `sessions`) and compares case-sensitively by default. The canonical form
/// is therefore `/` followed by the non-empty segments joined with `/`, bytes unchanged.
///
/// Some paths are refused outright, because a proxy, a client library or another router may
/// read them differently from the router behind the gate:
///
/// * a `.` or `..` segment, written plainly or percent-encoded (`%2e`);
/// * an encoded `/` or `\` (`%2F`, `%2f`, `%5C`, `%5c`) and a raw `\`;
/// * bytes outside printable ASCII (RFC 3986 requires them to be percent-encoded; on ASCII,
///   splitting bytes and splitting characters — as Hummingbird does — agree).
public enum RequestPath {
    /// The canonical form of `path` (without its query string).
    ///
    /// - Throws: 400 ``AgentOSAuthError/Code/invalidPath`` for the paths listed on the type.
    public static func canonical(_ path: String) throws(AgentOSAuthError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(path.utf8.count + 1)
        var iterator = path.utf8.makeIterator()
        var segment: [UInt8] = []
        segment.reserveCapacity(64)
        while true {
            let byte = iterator.next()
            if byte == nil || byte == slash {
                if !segment.isEmpty {
                    try check(segment)
                    output.append(slash)
                    output.append(contentsOf: segment)
                    segment.removeAll(keepingCapacity: true)
                }
                if byte == nil { break }
                continue
            }
            guard let byte, byte > 0x20, byte < 0x7F else {
                throw AgentOSAuthError(.invalidPath, "Invalid request path: characters outside printable ASCII must be percent-encoded")
            }
            segment.append(byte)
        }
        if output.isEmpty { return "/" }
        // Already canonical: keep the caller's string.
        if output.elementsEqual(path.utf8) { return path }
        return String(decoding: output, as: UTF8.self)
    }

    private static let slash = UInt8(ascii: "/")

    private static func check(_ segment: [UInt8]) throws(AgentOSAuthError) {
        if dotCount(segment) != nil {
            throw AgentOSAuthError(.invalidPath, "Invalid request path: '.' and '..' segments are not allowed")
        }
        var index = 0
        while index < segment.count {
            let byte = segment[index]
            if byte == UInt8(ascii: "\\") {
                throw AgentOSAuthError(.invalidPath, "Invalid request path: '\\' is not allowed")
            }
            if byte == UInt8(ascii: "%"), index + 2 < segment.count {
                let pair = (segment[index + 1], segment[index + 2] | 0x20)
                if pair == (UInt8(ascii: "2"), UInt8(ascii: "f")) || pair == (UInt8(ascii: "5"), UInt8(ascii: "c")) {
                    throw AgentOSAuthError(.invalidPath, "Invalid request path: an encoded '/' or '\\' is not allowed")
                }
            }
            index += 1
        }
    }

    /// 1 or 2 when `segment` is `.` or `..` (each dot plain or as `%2e`/`%2E`), else `nil`.
    private static func dotCount(_ segment: [UInt8]) -> Int? {
        var dots = 0
        var index = 0
        while index < segment.count {
            if segment[index] == UInt8(ascii: ".") {
                index += 1
            } else if segment[index] == UInt8(ascii: "%"), index + 2 < segment.count, segment[index + 1] == UInt8(ascii: "2"),
                segment[index + 2] | 0x20 == UInt8(ascii: "e")
            {
                index += 3
            } else {
                return nil
            }
            dots += 1
            if dots > 2 { return nil }
        }
        return dots == 0 ? nil : dots
    }
}
