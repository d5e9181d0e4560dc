import Foundation
import Testing

@testable import ControlPlane

/// The generator against RFC 6238 Appendix B (the SHA-1 rows, 8 digits as in the RFC), and the
/// production shape (6 digits, ±1 step).
@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// Appendix B's seed for HMAC-SHA1: the ASCII string "12345678901234567890".
    static let seed = Data("12345678901234567890".utf8)

    @Test(
        arguments: [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ] as [(Int64, String)]
    )
    func rfc6238AppendixB(time: Int64, expected: String) {
        let step = TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))
        #expect(TOTP.code(secret: Self.seed, step: step, digits: 8) == expected)
        // Six digits are the last six of the same truncation (RFC 4226 §5.3).
        #expect(TOTP.code(secret: Self.seed, step: step) == String(expected.suffix(6)))
    }

    @Test func windowIsOneStepEitherSideAndCodesAreSpent() {
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        func code(_ offset: Int64) -> String { TOTP.code(secret: Self.seed, step: step + offset) }
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(0), now: now, after: -1) == step)
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(-1), now: now, after: -1) == step - 1)
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(1), now: now, after: -1) == step + 1)
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(-2), now: now, after: -1) == nil)
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(2), now: now, after: -1) == nil)
        // A step already used (or an earlier one) no longer counts.
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(0), now: now, after: step) == nil)
        #expect(TOTP.matchingStep(secret: Self.seed, code: code(-1), now: now, after: step) == nil)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        // RFC 4648 §10 vectors (without padding).
        for (plain, encoded) in [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
        ] {
            #expect(Base32.encode(Data(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Data(plain.utf8))
            #expect(Base32.decode(encoded.lowercased()) == Data(plain.utf8))
        }
        #expect(Base32.decode("MZ1W") == nil)
    }

    @Test func codesAreParsedStrictly() throws {
        #expect(try SecondFactorCode.parse("012345") == .totp("012345"))
        #expect(try SecondFactorCode.parse("ABCD-EFGH-2345-67AB") == .recovery("abcdefgh234567ab"))
        for bad in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "abcd-efgh-2345-67a1", String(repeating: "a", count: 100)] {
            #expect(throws: ControlPlaneError.self) { try SecondFactorCode.parse(bad) }
        }
        let codes = SecondFactorCode.newRecoveryCodes()
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { (try? SecondFactorCode.parse($0)) != nil && $0.count == 19 })
    }

    @Test func otpauthURIIsWhatAuthenticatorsScan() {
        #expect(
            SecondFactor.uri(secret: "JBSWY3DPEHPK3PXP", email: "dana+x@acme.test")
                == "otpauth://totp/AgentOS%20Control%20Plane:dana%2Bx@acme.test?secret=JBSWY3DPEHPK3PXP&issuer=AgentOS%20Control%20Plane&algorithm=SHA1&digits=6&period=30"
        )
    }
}
