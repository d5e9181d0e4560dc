import AgentOSAuth
import Crypto
public import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, a 30-second step,
/// six digits in production. Pure functions of a secret and a time step, so the RFC's test
/// vectors pin them (`TOTPTests`).
public enum TOTP {
    /// The step length in seconds (RFC 6238's default X).
    public static let period: Int64 = 30
    /// Digits of a production code.
    public static let digits = 6
    /// Steps either side of the current one that still count (clock drift, a slow typist).
    public static let window: Int64 = 1

    /// The time step of `date`: floor(unix time / 30), T0 = 0.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code of `step` (RFC 4226 §5.3 dynamic truncation), zero-padded to `digits`.
    public static func code(secret: Data, step: Int64, digits: Int = TOTP.digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The step within ±`window` of `now` whose code is `code`, among steps after `after` (the
    /// last step already used: a code is good once). Every candidate is compared in constant time.
    static func matchingStep(secret: Data, code: String, now: Date, after: Int64) -> Int64? {
        let current = step(at: now)
        var found: Int64?
        for candidate in (current - window)...(current + window) {
            let expected = self.code(secret: secret, step: candidate)
            if AuthGate.constantTimeEquals(expected.utf8, code.utf8), candidate > after, found == nil { found = candidate }
        }
        return found
    }

    /// A six-digit string, the shape of a production code.
    static func isCodeShaped(_ text: String) -> Bool {
        text.utf8.count == digits && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
