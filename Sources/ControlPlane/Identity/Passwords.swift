import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's thread pool: hashing costs tens of milliseconds and must not block the
/// cooperative executor.
enum Passwords {
    /// A hash compared against when the email is unknown, so both failures take as long.
    static let decoy = Bcrypt.hash("decoy password, never valid", cost: cost)

    static func validate(_ password: String) throws {
        guard password.utf8.count >= 8, password.utf8.count <= 72 else {
            throw ControlPlaneError.invalid("password must be 8-72 bytes (bcrypt ignores anything longer)")
        }
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
