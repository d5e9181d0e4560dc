import Foundation
import Testing

@testable import ControlPlaneHTTP

/// The token endpoint's form decoding is byte-level; Foundation's `+` → space and
/// `removingPercentEncoding` are the oracle it must agree with.
@Suite("Form decoding of the token endpoint")
struct FormDecodingTests {
    static let cases: [(String, String?)] = [
        ("client_credentials", "client_credentials"), ("a+b", "a b"), ("%41%62", "Ab"), ("%2B", "+"), ("acme%2Fprod", "acme/prod"),
        ("%C3%A9t%C3%A9", "été"), ("", ""), ("%", nil), ("%4", nil), ("%zz", nil), ("%FF", nil), ("%C3", nil), ("100%", nil),
        ("%00", "\u{0}"), ("é", "é"),
    ]

    @Test(arguments: cases)
    func decodes(_ input: String, _ expected: String?) {
        #expect(OAuthRoutes.decode(Substring(input)) == expected)
    }

    /// The same answer as Foundation on generated inputs: ASCII, escapes (valid, broken, non-UTF-8)
    /// and plus signs mixed.
    @Test
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", "0", "+", "-", "%", "%2", "%41", "%2f", "%C3%A9", "%E2%82%AC", "%C3", "%ff", "%g1", "é", " ", "="]
        for _ in 0..<5_000 {
            let input = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let foundation = input.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            #expect(OAuthRoutes.decode(Substring(input)) == foundation, "\(input)")
        }
    }
}
