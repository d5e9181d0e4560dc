import Crypto
import CryptoExtras
import Foundation
import Testing

@testable import ControlPlane

/// RS256 on the system's OpenSSL agrees with swift-crypto's BoringSSL: each verifies the other's
/// signatures, and RSASSA-PKCS1-v1_5 being deterministic (RFC 8017 §8.2), both sign a message
/// with the same bytes. PyJWT verifies the tokens it signs end to end (`IndependentDecodeTests`).
@Suite("RS256 on OpenSSL and on BoringSSL")
struct OpenSSLRSAKeyTests {
    @Test func eachVerifiesTheOthersSignatures() throws {
        let boring = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let openSSL = try OpenSSLRSAKey(derRepresentation: boring.derRepresentation)
        for message in [Array("eyJhbGciOiJSUzI1NiJ9.e30".utf8), [], Array(repeating: 0xFF, count: 10_000)] {
            let byOpenSSL = try openSSL.signature(for: message)
            let byBoring = Array(try boring.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
            #expect(byOpenSSL.count == 256)
            #expect(
                boring.publicKey.isValidSignature(
                    _RSA.Signing.RSASignature(rawRepresentation: byOpenSSL),
                    for: SHA256.hash(data: message),
                    padding: .insecurePKCS1v1_5
                )
            )
            #expect(try openSSL.isValidSignature(byBoring, for: message))
            #expect(byOpenSSL == byBoring, "PKCS#1 v1.5 signatures are deterministic")
        }
    }

    @Test func aChangedMessageOrSignatureDoesNotVerify() throws {
        let boring = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let openSSL = try OpenSSLRSAKey(derRepresentation: boring.derRepresentation)
        let message = Array("header.payload".utf8)
        var signature = try openSSL.signature(for: message)
        #expect(try !openSSL.isValidSignature(signature, for: Array("header.payloaD".utf8)))
        signature[17] ^= 0x01
        #expect(try !openSSL.isValidSignature(signature, for: message))
        #expect(
            !boring.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: SHA256.hash(data: message),
                padding: .insecurePKCS1v1_5
            )
        )
    }

    @Test func onlyRSAKeysOfAtLeast2048BitsAreTaken() throws {
        #expect(throws: OpenSSLRSAKey.Failure.self) { try OpenSSLRSAKey(derRepresentation: P256.Signing.PrivateKey().derRepresentation) }
        #expect(throws: OpenSSLRSAKey.Failure.self) { try OpenSSLRSAKey(derRepresentation: Data([0x30, 0x03, 0x02, 0x01, 0x00])) }
        #expect(throws: OpenSSLRSAKey.Failure.self) { try OpenSSLRSAKey(derRepresentation: Data()) }
        // A 1,024-bit RSA key (`openssl genrsa 1024`, as DER, base64).
        let small = try #require(Data(base64Encoded: Self.rsa1024))
        #expect(throws: OpenSSLRSAKey.Failure.self) { try OpenSSLRSAKey(derRepresentation: small) }
    }

    static let rsa1024 = """
        MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALNve4KGZGpnlEaiufFfteYkNG+bShy8aFUbfl8AWN16IoH82Iau\
        40L2QmRxH9MK0UX6OmS5ZL+Jwz+S5J24ursSVbfFcWonfWShOImidumbCFMXU39r2N0Sr96mK+mRiXtQHT5NsGVBNO8Vv1bjNTHq\
        o5eak2oDjOqU1cotFVWHAgMBAAECgYADwD7auah7uPKWj2xHqXKJ/xPBiYOBGkcsEEkR/1XcO2NhSEHWfu1tRuyYYO0DYmSBi/uQ\
        g3ehsWWNfKqeyW/N1FKlA/rQmJn8b7Kgf6+z7TK8Vx8wqWY1MuH/IQNu2cIWyM0nk0RyLhiz+5Ozz/AHyIaICRNiSfIEYIZBlh7R\
        cQJBAOr0GTzebbRvVKZ/eXeubiSeyiHG7DhBDmDYXgUCQRIZVMZ3G1Hss8EaocVQ2VnMw4SrkUppOBt61wvgUgoLVuMCQQDDgkG7\
        zkzoqzSpzNVvIv7YNC3MJ1YstBk8RQBBAtEC0BiLJ79+kDkPcnxZ1WDTzuImAOOhXwIyArGEusYsriQNAkEAhSnEBBOs6c8Pky48\
        kfByzJ6SwYIU7+0vUQRQhVY5uyBQRAvNmCkn2BJYDZU9GwBK8C6tMhdgjXKZ30lMNhUnMQJAWnWDWpUairDkfggzXOexSHHkGsi8\
        m5R89KDsfCgEcyu7n281sCak8BvFo38R/Q6FHpZcvEaMan1Ki6IrnXK5ZQJARrEGpa2ijFYSi5Sv51kLFDZDmuxqgP0ZA+OrZ+LH\
        c6TflcvS/BCEHtfFhJLnPtj4CyKPjfDKo6jhmohxcAmD7Q==
        """
}
