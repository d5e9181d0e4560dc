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
        var path = path
        // One pass over the bytes, without allocating: most paths are already canonical.
        let scan = path.withUTF8 { bytes in scanSegments(bytes) }
        switch scan {
        case .failure(let error): throw error
        case .success(false): return path
        case .success(true):
            let segments = path.utf8.split(separator: slash, omittingEmptySubsequences: true)
            if segments.isEmpty { return "/" }
            var output: [UInt8] = []
            output.reserveCapacity(path.utf8.count + 1)
            for segment in segments {
                output.append(slash)
                output.append(contentsOf: segment)
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    private static let slash = UInt8(ascii: "/")

    /// Checks every segment; `true` when the path is not in canonical form (no leading `/`, an
    /// empty segment, a trailing `/`).
    private static func scanSegments(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Bool, AgentOSAuthError> {
        var rebuild = bytes.first != slash
        var start = 0
        for index in 0...bytes.count {
            guard index == bytes.count || bytes[index] == slash else {
                let byte = bytes[index]
                guard byte > 0x20, byte < 0x7F else {
                    return .failure(
                        AgentOSAuthError(.invalidPath, "Invalid request path: characters outside printable ASCII must be percent-encoded")
                    )
                }
                continue
            }
            if index == start {
                // An empty segment: a doubled or trailing slash (the leading one is not a segment).
                if index > 0 && !(index == bytes.count && bytes.count == 1) { rebuild = true }
            } else if let error = problem(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
                return .failure(error)
            }
            start = index + 1
        }
        return .success(rebuild)
    }

    private static func problem(_ segment: UnsafeBufferPointer<UInt8>) -> AgentOSAuthError? {
        if isDotSegment(segment) {
            return AgentOSAuthError(.invalidPath, "Invalid request path: '.' and '..' segments are not allowed")
        }
        var index = 0
        while index < segment.count {
            let byte = segment[index]
            if byte == UInt8(ascii: "\\") {
                return AgentOSAuthError(.invalidPath, "Invalid request path: '\\' is not allowed")
            }
            if byte == UInt8(ascii: "%"), index + 2 < segment.count {
                let pair = (segment[index + 1], segment[index + 2] | 0x20)
                if pair == (UInt8(ascii: "2"), UInt8(ascii: "f")) || pair == (UInt8(ascii: "5"), UInt8(ascii: "c")) {
                    return AgentOSAuthError(.invalidPath, "Invalid request path: an encoded '/' or '\\' is not allowed")
                }
            }
            index += 1
        }
        return nil
    }

    /// Whether `segment` is `.` or `..`, each dot plain or as `%2e`/`%2E`.
    private static func isDotSegment(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
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
                return false
            }
            dots += 1
            if dots > 2 { return false }
        }
        return dots > 0
    }
}
