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
        return path.withUTF8 { Self.match(tokens, $0) }
    }

    /// Greedy matching with one backtrack point, the last `*` seen: on a mismatch the input that
    /// star covers grows by one byte. Each position is revisited at most once per star, so the
    /// cost is bounded by pattern length × path length, where a recursive matcher backtracks
    /// exponentially over a pattern with many stars (as the paths fuzz target shows).
    static func match(_ tokens: [Token], _ input: UnsafeBufferPointer<UInt8>) -> Bool {
        var token = 0
        var position = 0
        var star: (token: Int, position: Int)?
        while position < input.count {
            if token < tokens.count {
                switch tokens[token] {
                case .literal(let bytes):
                    if input.count - position >= bytes.count, input[position..<position + bytes.count].elementsEqual(bytes) {
                        position += bytes.count
                        token += 1
                        continue
                    }
                case .any:
                    position += 1
                    token += 1
                    continue
                case .star:
                    star = (token, position)
                    token += 1
                    continue
                }
            }
            // A mismatch (or pattern left over input): let the last star take one more byte.
            guard let last = star else { return false }
            star = (last.token, last.position + 1)
            position = last.position + 1
            token = last.token + 1
        }
        while token < tokens.count, tokens[token] == .star { token += 1 }
        return token == tokens.count
    }
}
