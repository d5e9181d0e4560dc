import AgentOSAuthTestSupport
import Testing

@testable import AgentOSAuth

/// `PathPattern` matches like Python's `fnmatch` (`*` any bytes, `/` included; `?` one byte;
/// `{param}` as `*`), judged by an independent dynamic-programming matcher written here.
@Suite("Path patterns")
struct PathPatternTests {
    /// Whether `path` matches `pattern`, by the textbook table over (pattern position, path position).
    static func reference(_ pattern: String, _ path: String) -> Bool {
        // `{param}` is a star, as in the pattern parser.
        var symbols: [UInt8?] = []  // nil: star; 0x3F stays `?`
        var inParameter = false
        for byte in pattern.utf8 {
            if inParameter {
                if byte == UInt8(ascii: "}") { inParameter = false }
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "*") {
                symbols.append(nil)
                inParameter = byte == UInt8(ascii: "{")
            } else {
                symbols.append(byte)
            }
        }
        let text = Array(path.utf8)
        var table = [[Bool]](repeating: [Bool](repeating: false, count: text.count + 1), count: symbols.count + 1)
        table[0][0] = true
        for p in 1...max(symbols.count, 1) where p <= symbols.count {
            for t in 0...text.count {
                switch symbols[p - 1] {
                case nil: table[p][t] = table[p - 1][t] || (t > 0 && table[p][t - 1])
                case UInt8(ascii: "?")?: table[p][t] = t > 0 && table[p - 1][t - 1]
                case let byte?: table[p][t] = t > 0 && table[p - 1][t - 1] && text[t - 1] == byte
                }
            }
        }
        return table[symbols.count][text.count]
    }

    @Test func agreesWithTheReferenceOnGeneratedPatterns() {
        var random = SplitMix64(seed: 0xF11E)
        let patternAlphabet = Array("ab/*?".utf8)
        let pathAlphabet = Array("ab/".utf8)
        for _ in 0..<20_000 {
            let pattern = String(decoding: (0..<Int(random.next() % 9)).map { _ in patternAlphabet[Int(random.next() % 5)] }, as: UTF8.self)
            let path = String(decoding: (0..<Int(random.next() % 10)).map { _ in pathAlphabet[Int(random.next() % 3)] }, as: UTF8.self)
            #expect(PathPattern(pattern).matches(path) == Self.reference(pattern, path), "\(pattern) vs \(path)")
        }
    }

    @Test(arguments: [
        ("/agents/*", "/agents/a/b", true), ("/agents/{agent_id}/runs", "/agents/web-agent/runs", true),
        ("/agents/{agent_id}/runs", "/agents/web-agent/runs/x", false), ("/a?c", "/abc", true), ("/a?c", "/ac", false),
        ("*", "", true), ("", "", true), ("", "/", false), ("/x*", "/x", true), ("**", "/anything/at/all", true),
    ])
    func examples(pattern: String, path: String, matches: Bool) {
        #expect(PathPattern(pattern).matches(path) == matches)
        #expect(Self.reference(pattern, path) == matches)
    }

    /// The paths fuzz target's slow input had this shape: many stars before a byte the path never
    /// has. The recursive matcher backtracked exponentially (minutes); this answers at once.
    @Test func manyStarsDoNotBacktrackExponentially() {
        let pattern = String(repeating: "*a", count: 30) + "*b"
        let path = "/" + String(repeating: "a", count: 200)
        #expect(!PathPattern(pattern).matches(path))
        #expect(PathPattern(pattern).matches(path + "b"))
    }
}
