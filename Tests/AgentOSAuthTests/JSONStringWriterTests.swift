import Foundation
import Testing

@testable import AgentOSAuth

/// `JSONStringWriter` (the control plane's claims, demo-os's answers) writes a string exactly as
/// Foundation's `JSONSerialization` does: with `/` escaped as `\/` by default there, and without
/// it under `.withoutEscapingSlashes`.
@Suite("JSON string writing")
struct JSONStringWriterTests {
    static let alphabet: [Unicode.Scalar] =
        (0x00...0x20).map { Unicode.Scalar(UInt8($0)) } + ["\"", "\\", "/", "a", "Z", "0", "\u{7F}", "é", "☃", "𝄞", "\u{2028}"]

    static func foundation(_ value: String, escapingSlashes: Bool) throws -> [UInt8] {
        let options: JSONSerialization.WritingOptions = escapingSlashes ? [] : [.withoutEscapingSlashes]
        let array = Array(try JSONSerialization.data(withJSONObject: [value], options: options))
        return Array(array.dropFirst().dropLast())  // the string inside `[…]`
    }

    static func written(_ value: String, escapingSlashes: Bool) -> [UInt8] {
        var out: [UInt8] = []
        JSONStringWriter.append(value, escapingSlashes: escapingSlashes, to: &out)
        return out
    }

    @Test(arguments: [false, true])
    func matchesJSONSerializationOnGeneratedStrings(escapingSlashes: Bool) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var value = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                value.append(Self.alphabet.randomElement(using: &generator)!)
            }
            let text = String(value)
            let expected = try Self.foundation(text, escapingSlashes: escapingSlashes)
            let written = Self.written(text, escapingSlashes: escapingSlashes)
            #expect(written == expected, "\(text.debugDescription): \(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test
    func vectors() {
        #expect(String(decoding: Self.written("a/b\u{8}\u{C}\u{1}", escapingSlashes: false), as: UTF8.self) == #""a/b\b\f\u0001""#)
        #expect(String(decoding: Self.written(#"q"\/"#, escapingSlashes: true), as: UTF8.self) == #""q\"\\\/""#)
    }
}
