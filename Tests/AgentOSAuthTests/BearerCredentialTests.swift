import AgentOSAuthTestSupport
import Testing

@testable import AgentOSAuth

/// The byte-level reading of an ASCII `Authorization` header decides exactly as the Foundation
/// reading it replaced (docs/performance.md).
@Suite("Bearer credential parsing")
struct BearerCredentialTests {
    @Test(
        arguments: [
            ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("bEaReR abc", "abc"),
            ("Bearer   abc  ", "abc"), ("\tBearer \t abc\t", "abc"), ("abc", "abc"), ("  abc  ", "abc"),
            ("Bearer", "Bearer"), ("Bearer ", "Bearer"), ("Bearer \t ", "Bearer"), ("", nil), (" \t ", nil),
            ("Bearer\tabc", "Bearer\tabc"), ("Bearerabc", "Bearerabc"), ("Bearer Bearer abc", "Bearer abc"),
            ("Basic dXNlcjpwdw==", "Basic dXNlcjpwdw=="), ("Bearer a b", "a b"), ("Dearer abc", "Dearer abc"),
        ] as [(String, String?)]
    )
    func readsTheCredential(header: String, expected: String?) {
        #expect(BearerCredential.parse(header) == expected)
        #expect(BearerCredential.parseGeneral(header) == expected)
    }

    @Test func nonASCIIHeadersTakeTheGeneralPath() {
        #expect(BearerCredential.parseASCII("Bearer tök") == nil)
        #expect(BearerCredential.parse("Bearer tök") == "tök")
        // U+00A0 is whitespace to Foundation, and trimmed there.
        #expect(BearerCredential.parse("\u{A0}Bearer abc\u{A0}") == "abc")
    }

    /// 20,000 generated ASCII headers built from the characters that matter.
    @Test func bothReadingsAgreeOnGeneratedHeaders() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array("Bb eEaArR\t x.-_=/+\u{7}".unicodeScalars)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 14)
            var header = ""
            for _ in 0..<length { header.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            if generator.next() % 3 == 0 { header = ["Bearer ", "bearer", " BEARER  "][Int(generator.next() % 3)] + header }
            let fast = BearerCredential.parseASCII(header).map { $0.isEmpty ? nil : $0 }
            #expect(fast == .some(BearerCredential.parseGeneral(header)), "\(header.debugDescription)")
        }
    }
}
