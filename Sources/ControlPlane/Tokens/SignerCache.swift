import AgentOSAuth
import Foundation
import JWTKit

/// Decrypted signing keys, kept in memory per OS so issuing a token needs no decryption.
/// Shared mutable state, hence an actor. Never exposes key material.
actor SignerCache {
    struct Signer {
        var kid: String
        var algorithm: SigningAlgorithm
        var keys: JWTKeyCollection
    }

    private var signers: [UUID: Signer] = [:]

    func signer(os: UUID) -> Signer? { signers[os] }

    func store(_ signer: Signer, os: UUID) { signers[os] = signer }

    func remove(os: UUID) { signers[os] = nil }
}
