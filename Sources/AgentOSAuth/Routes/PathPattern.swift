/// A route pattern matched like Python's `fnmatch`: `*` matches any characters, `/` included,
/// and `?` one character. `{param}` segments are treated as `*`.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written (with `{param}` kept).
    public let pattern: String
    let tokens: [Token]
    /// Whether the pattern contains no wildcard (an exact key).
    public let isExact: Bool

    enum Token: Sendable, Hashable {
        case literal([UInt8])
        case star
        case any
    }

    /// Parses `pattern`.
    public init(_ pattern: String) {
        self.pattern = pattern
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var inParameter = false
        for byte in pattern.utf8 {
            if inParameter {
                if byte == UInt8(ascii: "}") { inParameter = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "*"):
                if !literal.isEmpty { tokens.append(.literal(literal)) }
                literal = []
                if tokens.last != .star { tokens.append(.star) }
                inParameter = byte == UInt8(ascii: "{")
            case UInt8(ascii: "?"):
                if !literal.isEmpty { tokens.append(.literal(literal)) }
                literal = []
                tokens.append(.any)
            default:
                literal.append(byte)
            }
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        self.tokens = tokens
        self.isExact = tokens.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    public var description: String { pattern }

    /// Whether `path` matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { Self.match(tokens[...], $0[...]) }
    }

    private static func match(_ tokens: ArraySlice<Token>, _ input: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = tokens.first else { return input.isEmpty }
        switch first {
        case .literal(let bytes):
            guard input.count >= bytes.count, input.prefix(bytes.count).elementsEqual(bytes) else { return false }
            return match(tokens.dropFirst(), input.dropFirst(bytes.count))
        case .any:
            guard !input.isEmpty else { return false }
            return match(tokens.dropFirst(), input.dropFirst())
        case .star:
            let rest = tokens.dropFirst()
            if rest.isEmpty { return true }
            var index = input.startIndex
            while true {
                if match(rest, input[index...]) { return true }
                if index == input.endIndex { return false }
                index = input.index(after: index)
            }
        }
    }
}
