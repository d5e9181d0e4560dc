import Crypto
import Foundation

/// What a user types as their second factor: a six-digit TOTP code or one of their recovery
/// codes (`xxxx-xxxx-xxxx-xxxx`, base32; case, dashes and spaces do not matter).
enum SecondFactorCode: Sendable, Equatable {
    case totp(String)
    /// The normalised recovery code (16 lower-case base32 characters).
    case recovery(String)

    static let malformed = ControlPlaneError.invalid(
        "code must be a 6-digit authenticator code or a recovery code (xxxx-xxxx-xxxx-xxxx)"
    )

    /// Classifies `text`; anything else is a 400 (nothing is checked or counted for it).
    static func parse(_ text: String) throws -> SecondFactorCode {
        guard text.utf8.count <= 64 else { throw malformed }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if TOTP.isCodeShaped(trimmed) { return .totp(trimmed) }
        let normalised = trimmed.lowercased().filter { $0 != "-" && $0 != " " }
        let alphabet = Set("abcdefghijklmnopqrstuvwxyz234567")
        guard normalised.count == 16, normalised.allSatisfy(alphabet.contains) else { throw malformed }
        return .recovery(normalised)
    }

    /// Ten new recovery codes as shown to the user: 80 random bits each.
    static func newRecoveryCodes() -> [String] {
        (0..<10).map { _ in
            let raw = SymmetricKey(size: .init(bitCount: 80)).withUnsafeBytes { Base32.encode(Data($0)).lowercased() }
            return stride(from: 0, to: 16, by: 4).map { offset in
                String(raw.dropFirst(offset).prefix(4))
            }.joined(separator: "-")
        }
    }

    /// What is stored of a recovery code: SHA-256 over the user and the normalised code, so equal
    /// codes of two users never share a hash.
    static func recoveryHash(user: UUID, normalised: String) -> Data {
        Data(SHA256.hash(data: Data("agentos-cp/recovery-code/v1|\(user.lowercased)|\(normalised)".utf8)))
    }
}
