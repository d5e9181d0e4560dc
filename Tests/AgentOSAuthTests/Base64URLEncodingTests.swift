import Foundation
import Testing

@testable import AgentOSAuth

/// `Base64URL.encode` (byte-level since issue #16) writes what Foundation's base64 does with
/// `+/` → `-_` and the padding removed, and decodes back to the input.
@Suite("base64url encoding")
struct Base64URLEncodingTests {
    @Test(arguments: [
        ([UInt8](), ""), (Array("f".utf8), "Zg"), (Array("fo".utf8), "Zm8"), (Array("foo".utf8), "Zm9v"), ([0xFB, 0xFF], "-_8"),
    ])
    func rfc4648Vectors(_ bytes: [UInt8], _ expected: String) {
        #expect(Base64URL.encode(bytes) == expected)
    }

    @Test
    func agreesWithFoundationAndRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == foundation)
            #expect(Base64URL.decode(Substring(encoded)) == bytes)
        }
    }
}
