import AgentOSAuth
import Foundation

/// Input rules shared by the use cases.
enum Validation {
    static func slug(_ value: String) throws {
        guard value.utf8.count <= 63, let first = value.utf8.first, isLowerAlnum(first),
            value.utf8.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") })
        else {
            throw ControlPlaneError.invalid(
                "slug '\(value.prefix(80))' must be 1 to 63 characters, each a lowercase letter (a-z), a digit or '-', "
                    + "starting with a letter or digit"
            )
        }
    }

    static func osID(_ value: String) throws {
        guard value.utf8.count <= 128, let first = value.utf8.first, isAlnum(first),
            value.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else {
            throw ControlPlaneError.invalid(
                "OS id '\(value.prefix(80))' must be 1 to 128 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-', "
                    + "starting with a letter or digit"
            )
        }
    }

    static func name(_ value: String, field: String = "name") throws {
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, value.count <= 200 else {
            throw ControlPlaneError.invalid("\(field) must be 1-200 characters")
        }
        try printable(value, field: field)
    }

    /// Refuses control and format characters (Unicode Cc, Cf — bidi overrides and isolates
    /// included — and the line/paragraph separators): a name is shown in terminals, tables and
    /// audit views, where such characters rewrite the screen or reorder what an admin reads
    /// (docs/security.md, "Names are inert text"). The message names the first one by code point.
    static func printable(_ value: String, field: String) throws {
        if let bad = value.unicodeScalars.first(where: InertText.isControl) {
            let code = String(bad.value, radix: 16, uppercase: true)
            throw ControlPlaneError.invalid(
                "\(field) must not contain control or formatting characters (found U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))"
            )
        }
    }

    /// An http(s) URL in printable ASCII only: the console shows it as the place tokens go, so no
    /// control, format or lookalike character may hide in it (international hosts in punycode).
    static func url(_ value: String?) throws {
        guard let value else { return }
        guard value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ControlPlaneError.invalid("url must be printable ASCII (write an international host in punycode)")
        }
        guard value.count <= 2048, let url = URL(string: value), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ControlPlaneError.invalid("url must be an http(s) URL")
        }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) }
    private static func isAlnum(_ byte: UInt8) -> Bool { isLowerAlnum(byte) || (byte >= 0x41 && byte <= 0x5A) }
}

extension Validation {
    /// A plausible email (one `@`, no spaces, ≤ 254 bytes); returned trimmed.
    static func email(_ value: String) throws -> String {
        let email = value.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline }), !email.unicodeScalars.contains(where: InertText.isControl)
        else {
            throw ControlPlaneError.invalid("email '\(value.prefix(80))' is not a valid address")
        }
        return email
    }
}

extension Validation {
    /// Lints scopes with `AgentOSAuth`'s grammar (`docs/access.md`, scope lint); 400 naming the first bad one and why.
    /// Returns them de-duplicated in their given order.
    static func scopes(_ scopes: [String], allowEmpty: Bool = true) throws -> [String] {
        guard scopes.count <= 500 else { throw ControlPlaneError.invalid("at most 500 scopes") }
        if !allowEmpty && scopes.isEmpty { throw ControlPlaneError.invalid("scopes must not be empty") }
        var seen: Set<String> = []
        for scope in scopes {
            if let problem = ScopeCatalog.lint(scope) {
                throw ControlPlaneError.invalid("scope '\(scope.prefix(200))': \(problem)")
            }
            seen.insert(scope)
        }
        return scopes.filter { seen.remove($0) != nil }
    }
}

extension Validation {
    /// Bounds of an OS's rotation period, in seconds (the migration's CHECK says the same).
    static let rotationPeriods = 3600...31_536_000

    /// A rotation period: 1 h to 365 days, and longer than the JWKS max age so the next key can be
    /// published for a whole cache lifetime before it signs.
    static func rotationPeriod(_ seconds: Int?, jwksMaxAge: TimeInterval) throws {
        guard let seconds else { return }
        guard rotationPeriods.contains(seconds) else {
            throw ControlPlaneError.invalid(
                "rotation_period must be whole seconds between \(rotationPeriods.lowerBound) (1 h) and \(rotationPeriods.upperBound) (365 days), or null"
            )
        }
        guard TimeInterval(seconds) > 2 * jwksMaxAge else {
            throw ControlPlaneError.invalid(
                "rotation_period must be longer than twice the JWKS max age (\(Int(jwksMaxAge)) s), so verifiers fetch the next key in time"
            )
        }
    }
}
