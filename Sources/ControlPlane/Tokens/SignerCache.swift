import Foundation
import Synchronization

/// Decrypted signing keys, kept in memory per OS so issuing a token needs no decryption. A
/// mutex, not an actor: every token reads it, and the read is a dictionary lookup (no hop).
/// Never exposes key material.
final class SignerCache: Sendable {
    private let signers = Mutex<[UUID: CompactSigner]>([:])

    func signer(os: UUID) -> CompactSigner? { signers.withLock { $0[os] } }

    func store(_ signer: CompactSigner, os: UUID) { signers.withLock { $0[os] = signer } }

    func remove(os: UUID) { _ = signers.withLock { $0.removeValue(forKey: os) } }
}
