import Crypto
public import Foundation

/// Key-encryption keys (KEKs): the first seals, all open. Private signing keys are stored only
/// as AES-256-GCM ciphertext under a KEK, with AAD binding the ciphertext to its OS, kid and
/// algorithm, so a database dump alone never reveals a private key.
public struct MasterKeys: Sendable {
    struct Entry: Sendable {
        var id: String
        var key: SymmetricKey
    }

    let entries: [Entry]

    /// KEKs from base64 strings of 32 bytes each, first one current.
    public init(base64Keys: [String]) throws {
        guard !base64Keys.isEmpty else { throw ControlPlaneError.invalid("no master key given") }
        entries = try base64Keys.enumerated().map { index, text in
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                throw ControlPlaneError.invalid("master key \(index + 1) is not base64 of 32 bytes")
            }
            let digest = SHA256.hash(data: data + Data("kek-id".utf8))
            return Entry(id: digest.prefix(6).map { String(format: "%02x", $0) }.joined(), key: SymmetricKey(data: data))
        }
    }

    /// The id of the KEK that seals new keys (not secret; stored beside each ciphertext).
    public var currentID: String { entries[0].id }

    /// A new random KEK, base64.
    public static func generate() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Reads `CONTROL_PLANE_MASTER_KEYS` (comma-separated) or `CONTROL_PLANE_MASTER_KEY_FILE`
    /// (one key per line). In embedded mode, `generateInto` names a file created (0600) on first run.
    public static func load(environment: [String: String], generateInto: URL?) throws -> MasterKeys {
        if let list = environment["CONTROL_PLANE_MASTER_KEYS"], !list.isEmpty {
            return try MasterKeys(base64Keys: list.split(separator: ",").map(String.init))
        }
        if let path = environment["CONTROL_PLANE_MASTER_KEY_FILE"], !path.isEmpty {
            return try fromFile(URL(fileURLWithPath: path))
        }
        guard let file = generateInto else {
            throw ControlPlaneError.invalid(
                "no key-encryption key: set CONTROL_PLANE_MASTER_KEYS (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) "
                    + "or CONTROL_PLANE_MASTER_KEY_FILE; an external database is never used without one"
            )
        }
        if !FileManager.default.fileExists(atPath: file.path) {
            try SecretFile.create(file.path, contents: Data((generate() + "\n").utf8))
        }
        // The data directory's own key file: the control plane made it 0600, so anything wider
        // means someone changed it; refuse rather than keep using a key others may have read.
        try SecretFile.requirePrivate(file.path)
        return try fromFile(file)
    }

    static func fromFile(_ file: URL) throws -> MasterKeys {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw ControlPlaneError.invalid("cannot read master key file \(file.path)")
        }
        return try MasterKeys(base64Keys: text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty })
    }

    /// Seals `plaintext` under the current KEK.
    func seal(_ plaintext: Data, aad: Data) throws -> (ciphertext: Data, kekID: String) {
        let box = try AES.GCM.seal(plaintext, using: entries[0].key, authenticating: aad)
        guard let combined = box.combined else { throw ControlPlaneError.invalid("sealing failed") }
        return (combined, entries[0].id)
    }

    /// `ciphertext` (sealed under `kekID`) sealed again under the current KEK, for `keys rewrap`;
    /// `nil` when it already is.
    func resealed(_ ciphertext: Data, aad: Data, kekID: String) throws -> (ciphertext: Data, kekID: String)? {
        guard kekID != currentID else { return nil }
        return try seal(try open(ciphertext, aad: aad, kekID: kekID), aad: aad)
    }

    /// Opens a ciphertext sealed by any known KEK.
    func open(_ ciphertext: Data, aad: Data, kekID: String) throws -> Data {
        guard let entry = entries.first(where: { $0.id == kekID }) else {
            throw ControlPlaneError.conflict("the key-encryption key \(kekID) that sealed this signing key is not configured")
        }
        do {
            return try AES.GCM.open(try AES.GCM.SealedBox(combined: ciphertext), using: entry.key, authenticating: aad)
        } catch {
            throw ControlPlaneError.conflict("a signing key failed to decrypt (ciphertext or its binding was altered)")
        }
    }
}
