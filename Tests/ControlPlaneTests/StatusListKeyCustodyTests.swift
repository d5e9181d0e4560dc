import Crypto
import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// The status-list key is kept like a signing key: sealed under the KEK, bound by its
/// AAD to its purpose, OS and kid, and its public half is the one the list's key set publishes.
@Suite("Status-list key custody")
struct StatusListKeyCustodyTests {
    @Test func theStatusListKeyIsSealedAndBoundToItsPurpose() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            try await cp.makeOS()
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list", key: .some(nil)).status == 200)
            let rows = try await cp.database.query(
                "SELECT os_instance, kid, private_key_ciphertext, kek_id FROM status_list_keys",
                logger: TestCluster.logger
            ).decode((UUID, String, Data, String).self).collect()
            #expect(rows.count == 1)
            let (os, kid, ciphertext, kek) = try #require(rows.first)
            let masterKeys = ControlPlaneHarness.masterKeys
            // Opens only under its own AAD; as a signing key of the same OS and kid it does not.
            let secret = try masterKeys.open(ciphertext, aad: StatusListKeys.aad(os: os, kid: kid), kekID: kek)
            #expect(throws: (any Error).self) {
                try masterKeys.open(ciphertext, aad: KeyMaterial.aad(osInstance: os, kid: kid, algorithm: "ES256"), kekID: kek)
            }
            let key = try P256.Signing.PrivateKey(derRepresentation: secret)
            #expect(!ciphertext.contains(secret) && !ciphertext.contains(key.rawRepresentation))
            // The published set holds exactly this key's public half.
            let published = try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list/jwks.json", key: .some(nil))
            let jwk = try #require((published.json["keys"] as? [[String: String]])?.first, "\(published.text)")
            let point = key.publicKey.x963Representation
            #expect(jwk["kid"] == kid && jwk["alg"] == "ES256" && jwk["crv"] == "P-256")
            #expect(jwk["x"] == Base64URLText.encode(point[1..<33]) && jwk["y"] == Base64URLText.encode(point[33..<65]))
        }
    }
}

/// Base64url without padding (RFC 4648 §5), written here so the test does not judge the code
/// with its own encoder.
enum Base64URLText {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
