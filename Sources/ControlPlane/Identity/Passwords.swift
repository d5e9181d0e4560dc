import HummingbirdBcrypt
import NIOPosix

/// Password rules and bcrypt on NIO's thread pool: hashing costs tens of milliseconds and must
/// not block the cooperative executor.
enum Passwords {
    /// A hash compared against when the email is unknown, so both failures take as long.
    static let decoy = Bcrypt.hash("decoy password, never valid", cost: cost)

    /// A few of the most common passwords of the public breach lists that satisfy the length rule;
    /// compared case-insensitively (`docs/access.md`, password rules).
    static let common: Set<String> = [
        "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123",
        "iloveyou", "11111111", "00000000", "abcd1234", "1q2w3e4r", "sunshine", "princess", "football", "baseball",
        "welcome1", "letmein1", "passw0rd", "p@ssw0rd", "trustno1", "superman", "starwars", "dragon123", "monkey123",
        "changeme", "administrator", "qwertyui", "asdfghjkl", "zaq12wsx", "1qaz2wsx",
    ]

    /// 8-72 bytes (bcrypt ignores the rest), not the account's email or its local part, not a common password.
    static func validate(_ password: String, email: String) throws {
        guard password.utf8.count >= 8, password.utf8.count <= 72 else {
            throw ControlPlaneError.invalid("password must be 8-72 bytes (bcrypt ignores anything longer)")
        }
        let lowered = password.lowercased()
        let email = email.lowercased()
        if lowered == email || lowered == String(email.prefix { $0 != "@" }) {
            throw ControlPlaneError.invalid("password must not be the account's email")
        }
        if common.contains(lowered) { throw ControlPlaneError.invalid("password is one of the most common passwords; choose another") }
    }

    static let cost: UInt8 = 10

    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String?) async throws -> Bool {
        let stored = hash ?? decoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored) }
        return matches && hash != nil
    }
}
