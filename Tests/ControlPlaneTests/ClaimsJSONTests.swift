import Foundation
import Testing

@testable import ControlPlane

/// The claims' hand-written JSON (`AccessTokenClaims.json`) reads back as exactly
/// what `JSONEncoder` makes of the same claims: same keys, same values, absent optionals absent.
@Suite("Access-token claims as JSON")
struct ClaimsJSONTests {
    static let awkward = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{0}\u{1}\u{1f}", "été ☃ 𝄞 👩‍💻", "/slash/", ""]

    static func object(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test
    func matchesTheEncoderOnGeneratedClaims() throws {
        var generator = SystemRandomNumberGenerator()
        func text() -> String { Self.awkward.randomElement(using: &generator)! + String(Int.random(in: 0...999, using: &generator)) }
        for round in 0..<500 {
            let claims = AccessTokenClaims(
                issuer: "https://cp.test/" + text(),
                subject: text(),
                audience: text(),
                issuedAt: Date(timeIntervalSince1970: Double.random(in: 0...4_000_000_000, using: &generator)),
                lifetime: 3600,
                scopes: (0..<Int.random(in: 0...4, using: &generator)).map { _ in text() },
                sessionID: Bool.random(using: &generator) ? text() : nil,
                email: Bool.random(using: &generator) ? text() : nil,
                name: Bool.random(using: &generator) ? text() : nil,
                org: Bool.random(using: &generator) ? text() : nil,
                status: Bool.random(using: &generator)
                    ? TokenStatusClaim(index: Int.random(in: 0...1 << 20, using: &generator), uri: text()) : nil,
                roles: Bool.random(using: &generator) ? [text(), text()] : nil
            )
            let expected = try Self.object(Array(try JSONEncoder().encode(claims)))
            #expect(try Self.object(claims.json) == expected, "round \(round): \(String(decoding: claims.json, as: UTF8.self))")
        }
    }
}
