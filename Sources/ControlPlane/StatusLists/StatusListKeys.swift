import AgentOSAuth
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Custody of each OS's Status List Token key: an ES256 key pair made on first use, sealed under
/// the KEK like the signing keys, published only at `…/status-list/jwks.json`. It signs status
/// lists and nothing else, and the access-token keys never sign a status list, so a list can
/// never pass for an access token — not even at a verifier that ignores `typ`, as PyJWT and stock
/// Agno do (docs/security.md, "Every JWT kind has its own typ and key"). ES256: a list is signed
/// at most once per `ttl`, and verifiers of every kind read P-256.
struct StatusListKeys: Sendable {
    let store: StatusListKeyStore
    let client: PostgresClient
    let masterKeys: MasterKeys
    let signers: SignerCache
    let logger: Logger
    let now: WallClock

    /// AAD binding a ciphertext to its OS, kid and purpose: a status-list ciphertext moved into
    /// `signing_keys` (or back) does not open.
    static func aad(os: UUID, kid: String) -> Data {
        Data("agentos-cp/status-list-key/v1|\(os.uuidString.lowercased())|\(kid)|ES256".utf8)
    }

    /// The OS's status-list signer, made and stored on first use.
    func signer(os: UUID) async throws -> CompactSigner {
        if let cached = signers.signer(os: os) { return cached }
        let row = try await keyRow(os: os)
        let secret = try masterKeys.open(row.ciphertext, aad: Self.aad(os: os, kid: row.kid), kekID: row.kekID)
        let signer = try CompactSigner(
            kid: row.kid,
            algorithm: .es256,
            key: .es256(try P256.Signing.PrivateKey(derRepresentation: secret)),
            type: .statusList
        )
        signers.store(signer, os: os)
        return signer
    }

    /// The public JWK of the OS's status-list key (`kid`, `alg`, `use` included).
    func publicJWK(os: UUID) async throws -> [String: String] {
        let row = try await keyRow(os: os)
        return row.jwk.merging(["kid": row.kid, "alg": "ES256", "use": "sig"]) { _, new in new }
    }

    /// Re-seals every status-list key under the current KEK; returns how many were rewrapped.
    func rewrapAll() async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            var count = 0
            for var row in try await store.allForUpdate(on: connection) {
                guard let resealed = try masterKeys.resealed(row.ciphertext, aad: Self.aad(os: row.os, kid: row.kid), kekID: row.kekID)
                else { continue }
                row.ciphertext = resealed.ciphertext
                row.kekID = resealed.kekID
                try await store.updateSealed(row, on: connection)
                count += 1
            }
            return count
        }
    }

    private func keyRow(os: UUID) async throws -> StatusListKeyStore.Row {
        if let row = try await store.key(os: os) { return row }
        let material = try KeyMaterial.generate(.es256)
        let sealed = try masterKeys.seal(material.privateBytes, aad: Self.aad(os: os, kid: material.kid))
        let row = StatusListKeyStore.Row(
            os: os,
            kid: material.kid,
            jwk: material.jwkMembers,
            ciphertext: sealed.ciphertext,
            kekID: sealed.kekID
        )
        try await store.insertIfAbsent(row, at: now())
        guard let stored = try await store.key(os: os) else { throw ControlPlaneError.conflict("the OS was deleted") }
        return stored
    }
}
