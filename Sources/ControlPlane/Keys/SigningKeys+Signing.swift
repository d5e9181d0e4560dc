public import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation

extension SigningKeys {
    /// A signed token and the key that signed it.
    public struct SignedToken: Sendable {
        public var token: String
        public var kid: String
        public var algorithm: SigningAlgorithm
    }

    /// Signs an access token with the OS's cached signer; only a cache miss reads and decrypts the key.
    ///
    /// - Parameter activeKid: the active key as the caller's query just saw it. A cached signer for
    ///   another kid (rotated or revoked, possibly by another replica) is dropped and reloaded.
    func sign(_ claims: AccessTokenClaims, osInternalID: UUID, osID: String, activeKid: String?) async throws -> SignedToken {
        let signer = try await activeSigner(osInternalID: osInternalID, osID: osID, activeKid: activeKid)
        return SignedToken(token: try signer.sign(json: claims.json), kid: signer.kid, algorithm: signer.algorithm)
    }

    /// Signs `claims` with the active key of the OS `id` of `org` (tools and tests; issuance
    /// goes through ``TokenIssuer``).
    func sign(_ claims: AccessTokenClaims, org slug: String, os id: String) async throws -> SignedToken {
        let os = try await publicOS(org: slug, id: id)
        return try await sign(claims, osInternalID: os.internalID, osID: os.id, activeKid: nil)
    }

    private func activeSigner(osInternalID: UUID, osID: String, activeKid: String?) async throws -> CompactSigner {
        if let cached = signers.signer(os: osInternalID), activeKid == nil || cached.kid == activeKid { return cached }
        guard let sealed = try await store.activeSealed(os: osInternalID) else { throw Self.noActiveKey(osID) }
        let secret = try masterKeys.open(
            sealed.ciphertext,
            aad: KeyMaterial.aad(osInstance: osInternalID, kid: sealed.kid, algorithm: sealed.algorithm.name),
            kekID: sealed.kekID
        )
        let key: CompactSigner.Key
        switch sealed.algorithm {
        case .rs256: key = .rs256(try OpenSSLRSAKey(derRepresentation: secret))
        case .es256: key = .es256(try P256.Signing.PrivateKey(derRepresentation: secret))
        case .eddsa: key = .eddsa(try Curve25519.Signing.PrivateKey(rawRepresentation: secret))
        default:
            throw ControlPlaneError.conflict("OS '\(osID)' has a key of an algorithm this build cannot sign with (\(sealed.algorithm))")
        }
        // These keys sign access tokens and nothing else (status lists have StatusListKeys).
        let signer = try CompactSigner(kid: sealed.kid, algorithm: sealed.algorithm, key: key, type: .accessToken)
        signers.store(signer, os: osInternalID)
        return signer
    }

    static func noActiveKey(_ osID: String) -> ControlPlaneError {
        .conflict("OS '\(osID)' has no active signing key; create one with POST …/keys {\"activate\": true} or activate a pending key")
    }
}
