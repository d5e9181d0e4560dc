import AgentOSAuth
import Crypto
import CryptoExtras
import Foundation
import JWTKit
import PostgresNIO

extension ControlPlaneService {
    /// A signed token and the key that signed it.
    public struct SignedToken: Sendable {
        public var token: String
        public var kid: String
        public var algorithm: String
    }

    /// Signs `claims` with the OS's active key (jwt-kit), header `alg`, `kid`, `typ: at+jwt`.
    ///
    /// - Throws: `ControlPlaneError.conflict` when the OS has no active key.
    public func sign(_ claims: AccessTokenClaims, org slug: String, os id: String) async throws -> SignedToken {
        let os = try await osInstance(org: slug, id: id)
        return try await sign(claims, osInternalID: os.internalID, osID: os.id)
    }

    /// Signs with the OS's cached signer; only a cache miss reads and decrypts the key.
    ///
    /// - Parameter activeKid: the active key as the caller's query just saw it. A cached signer for
    ///   another kid (rotated or revoked, possibly by another replica) is dropped and reloaded.
    func sign(_ claims: AccessTokenClaims, osInternalID: UUID, osID: String, activeKid: String? = nil) async throws -> SignedToken {
        let signer = try await activeSigner(osInternalID: osInternalID, osID: osID, activeKid: activeKid)
        var header = JWTHeader()
        header.typ = "at+jwt"
        let token = try await signer.keys.sign(claims, kid: JWKIdentifier(string: signer.kid), header: header)
        return SignedToken(token: token, kid: signer.kid, algorithm: signer.algorithm)
    }

    func activeSigner(osInternalID: UUID, osID: String, activeKid: String?) async throws -> SignerCache.Signer {
        if let cached = await signers.signer(os: osInternalID), activeKid == nil || cached.kid == activeKid { return cached }
        let rows = try await client.query(
            """
            SELECT kid, algorithm, private_key_ciphertext, kek_id FROM signing_keys
            WHERE os_instance = \(osInternalID) AND state = 'active'
            """,
            logger: logger
        )
        for try await (kid, algorithm, ciphertext, kekID) in rows.decode((String, String, Data, String).self) {
            let secret = try masterKeys.open(
                ciphertext,
                aad: KeyMaterial.aad(osInstance: osInternalID, kid: kid, algorithm: algorithm),
                kekID: kekID
            )
            let keys = JWTKeyCollection()
            let identifier = JWKIdentifier(string: kid)
            switch algorithm {
            case "RS256":
                await keys.add(
                    rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(derRepresentation: secret)),
                    digestAlgorithm: .sha256,
                    kid: identifier
                )
            case "ES256":
                await keys.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey(derRepresentation: secret)), kid: identifier)
            default:
                await keys.add(
                    eddsa: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: secret)),
                    kid: identifier
                )
            }
            let signer = SignerCache.Signer(kid: kid, algorithm: algorithm, keys: keys)
            await signers.store(signer, os: osInternalID)
            return signer
        }
        throw Self.noActiveKey(osID)
    }

    static func noActiveKey(_ osID: String) -> ControlPlaneError {
        .conflict("OS '\(osID)' has no active signing key; create one with POST …/keys {\"activate\": true} or activate a pending key")
    }

    /// Re-seals every private key under the current (first) KEK; returns how many were rewrapped.
    public func rewrapAllKeys() async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT os_instance, kid, algorithm, private_key_ciphertext, kek_id FROM signing_keys FOR UPDATE",
                logger: logger
            )
            var updates: [(UUID, String, Data, String)] = []
            for try await (os, kid, algorithm, ciphertext, kekID) in rows.decode((UUID, String, String, Data, String).self) {
                guard kekID != masterKeys.currentID else { continue }
                let aad = KeyMaterial.aad(osInstance: os, kid: kid, algorithm: algorithm)
                let sealed = try masterKeys.seal(try masterKeys.open(ciphertext, aad: aad, kekID: kekID), aad: aad)
                updates.append((os, kid, sealed.ciphertext, sealed.kekID))
            }
            for (os, kid, ciphertext, kekID) in updates {
                try await connection.query(
                    "UPDATE signing_keys SET private_key_ciphertext = \(ciphertext), kek_id = \(kekID) WHERE os_instance = \(os) AND kid = \(kid)",
                    logger: logger
                )
            }
            return updates.count
        }
    }
}
