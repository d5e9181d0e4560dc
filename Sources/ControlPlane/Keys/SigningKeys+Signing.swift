public import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation
import JWTKit

extension SigningKeys {
    /// A signed token and the key that signed it.
    public struct SignedToken: Sendable {
        public var token: String
        public var kid: String
        public var algorithm: SigningAlgorithm
    }

    /// Signs with the OS's cached signer; only a cache miss reads and decrypts the key.
    ///
    /// - Parameter activeKid: the active key as the caller's query just saw it. A cached signer for
    ///   another kid (rotated or revoked, possibly by another replica) is dropped and reloaded.
    func sign(_ claims: AccessTokenClaims, osInternalID: UUID, osID: String, activeKid: String?) async throws -> SignedToken {
        try await sign(claims, type: "at+jwt", osInternalID: osInternalID, osID: osID, activeKid: activeKid)
    }

    /// Signs any payload with the OS's active key under the JOSE header `typ` (`at+jwt` for
    /// access tokens, `statuslist+jwt` for Status List Tokens).
    func sign(_ payload: some JWTPayload, type: String, osInternalID: UUID, osID: String, activeKid: String?) async throws -> SignedToken {
        let signer = try await activeSigner(osInternalID: osInternalID, osID: osID, activeKid: activeKid)
        var header = JWTHeader()
        header.typ = type
        let token = try await signer.keys.sign(payload, kid: JWKIdentifier(string: signer.kid), header: header)
        return SignedToken(token: token, kid: signer.kid, algorithm: signer.algorithm)
    }

    /// Signs `claims` with the active key of the OS `id` of `org` (tools and tests; issuance
    /// goes through ``TokenIssuer``).
    func sign(_ claims: AccessTokenClaims, org slug: String, os id: String) async throws -> SignedToken {
        let os = try await publicOS(org: slug, id: id)
        return try await sign(claims, osInternalID: os.internalID, osID: os.id, activeKid: nil)
    }

    private func activeSigner(osInternalID: UUID, osID: String, activeKid: String?) async throws -> SignerCache.Signer {
        if let cached = await signers.signer(os: osInternalID), activeKid == nil || cached.kid == activeKid { return cached }
        guard let sealed = try await store.activeSealed(os: osInternalID) else { throw Self.noActiveKey(osID) }
        let secret = try masterKeys.open(
            sealed.ciphertext,
            aad: KeyMaterial.aad(osInstance: osInternalID, kid: sealed.kid, algorithm: sealed.algorithm.name),
            kekID: sealed.kekID
        )
        let keys = JWTKeyCollection()
        let identifier = JWKIdentifier(string: sealed.kid)
        switch sealed.algorithm {
        case .rs256:
            await keys.add(
                rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(derRepresentation: secret)),
                digestAlgorithm: .sha256,
                kid: identifier
            )
        case .es256:
            await keys.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey(derRepresentation: secret)), kid: identifier)
        case .eddsa:
            await keys.add(eddsa: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: secret)), kid: identifier)
        default:
            throw ControlPlaneError.conflict("OS '\(osID)' has a key of an algorithm this build cannot sign with (\(sealed.algorithm))")
        }
        let signer = SignerCache.Signer(kid: sealed.kid, algorithm: sealed.algorithm, keys: keys)
        await signers.store(signer, os: osInternalID)
        return signer
    }

    static func noActiveKey(_ osID: String) -> ControlPlaneError {
        .conflict("OS '\(osID)' has no active signing key; create one with POST …/keys {\"activate\": true} or activate a pending key")
    }
}
