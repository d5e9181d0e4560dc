public import AgentOSAuth

/// The path a request is decided on, read as the upstream's server reads it.
///
/// An AgentOS is a Starlette app under uvicorn: uvicorn percent-decodes the request path once
/// (`scope["path"]`) and Starlette routes on that, case-sensitively, without merging `//`. The
/// gateway forwards the raw path byte for byte, so it must decide on the same decoded path, and
/// refuse the shapes that a second reader (the upstream's router, Agno's own gate, a proxy in
/// between) could read as another route (docs/security.md, 3.14):
///
/// * an encoded `/` or `\` (`%2F`, `%5C`): decoded, it would add a segment the raw path lacks;
/// * a `.` or `..` segment, plain or encoded;
/// * an empty segment (`//agents`): Starlette keeps it, other readers merge it;
/// * a `%` not followed by two hex digits, and bytes outside printable ASCII, raw or decoded;
/// * a character outside RFC 3986's path and query set anywhere in the target (`#`, `|`, `{`, …:
///   AsyncHTTPClient would drop or re-encode it, and the upstream would route another target);
/// * anything that is not a path (`*`); NIO hands an absolute-form target over as its path.
///
/// One trailing `/` is decided without it: Agno normalises `/agents/` to `/agents` before its
/// gate (docs/agno-compatibility.md).
public enum GatewayPath {
    /// The decoded path to decide on, from the raw request target (query string included or not).
    ///
    /// - Throws: 400 ``AgentOSAuth/AgentOSAuthError/Code/invalidPath`` naming the problem.
    public static func decided(fromTarget target: String) throws(AgentOSAuthError) -> String {
        // Only RFC 3986's characters for a path and a query, anywhere in the target: a `#` or a
        // character an HTTP client re-encodes would make the target sent differ from the one decided.
        guard target.utf8.allSatisfy(isTargetByte) else {
            throw refusal("only RFC 3986 path and query characters may appear in the target ('#', '|', '{', '\"', spaces … are not)")
        }
        let raw = target.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        guard raw.first == UInt8(ascii: "/") else {
            throw refusal("the request target must be a path starting with '/'")
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "%") else {
                guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else {
                    throw refusal("'\\', spaces, control characters and bytes outside ASCII must not appear in the path")
                }
                decoded.append(byte)
                index = raw.index(after: index)
                continue
            }
            let high = raw.index(after: index)
            guard high < raw.endIndex, raw.index(after: high) < raw.endIndex,
                let value = hex(raw[high], raw[raw.index(after: high)])
            else {
                throw refusal("'%' must be followed by two hexadecimal digits")
            }
            guard value != UInt8(ascii: "/"), value != UInt8(ascii: "\\") else {
                throw refusal("an encoded '/' or '\\' is not allowed")
            }
            guard value > 0x20, value < 0x7F else {
                throw refusal("encoded spaces, control characters and bytes outside ASCII are not allowed")
            }
            decoded.append(value)
            index = raw.index(raw.index(after: high), offsetBy: 1)
        }
        if decoded.count > 1, decoded.last == UInt8(ascii: "/") { decoded.removeLast() }
        let segments = decoded.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if decoded.count > 1 {
            for segment in segments {
                if segment.isEmpty { throw refusal("empty path segments ('//') are not allowed") }
                if segment.allSatisfy({ $0 == UInt8(ascii: ".") }) && segment.count <= 2 {
                    throw refusal("'.' and '..' segments are not allowed")
                }
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// unreserved, sub-delims, `:`, `@`, `/`, `?` and `%` (RFC 3986 §3.3, §3.4).
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("-._~!$&'()*+,;=:@/?%".utf8).contains(byte)
        }
    }

    private static func refusal(_ reason: String) -> AgentOSAuthError {
        AgentOSAuthError(.invalidPath, "Invalid request path: \(reason)")
    }

    private static func hex(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = digit(high), let low = digit(low) else { return nil }
        return high << 4 | low
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
