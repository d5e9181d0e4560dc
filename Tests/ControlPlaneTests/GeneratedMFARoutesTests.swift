import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// TOTP enrolment, served by the generated protocol, answers as its hand-written routes did: the
/// secret and the recovery codes with `Cache-Control: no-store` and `Pragma: no-cache`, and the
/// same refusals of a malformed body.
@Suite("Generated routes: TOTP enrolment")
struct GeneratedMFARoutesTests {
    @Test func enrolmentAnswersAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let key = try await cp.signedInAdmin("eve@acme.test", "eve's long password")
            cp.alignToStep()
            let started = try await cp.send(.post, "/v1/me/mfa/totp", key: .some(key))
            #expect(started.status == 201 && Set(started.json.keys) == ["secret", "otpauth_uri"], "\(started.text)")
            #expect(started.headers[.cacheControl] == "no-store" && started.headers[HTTPField.Name("Pragma")!] == "no-cache")
            let text = try #require(started.json["secret"] as? String)
            let secret = try #require(Base32.decode(text))
            let missing = try await cp.send(.post, "/v1/me/mfa/totp/confirm", json: ["kode": "123456"], key: .some(key))
            #expect(missing.status == 400 && missing.text.contains("invalid JSON body: missing field 'code'"), "\(missing.text)")
            let plain = try await cp.send(.post, "/v1/me/mfa/totp/confirm", raw: "code=1", contentType: "text/plain", key: .some(key))
            #expect(plain.status == 415 && plain.errorCode == "unsupported_media_type", "\(plain.text)")
            let confirmed = try await cp.send(.post, "/v1/me/mfa/totp/confirm", json: ["code": cp.totp(secret)], key: .some(key))
            #expect(confirmed.status == 200 && Set(confirmed.json.keys) == ["recovery_codes"], "\(confirmed.text)")
            #expect(confirmed.headers[.cacheControl] == "no-store" && confirmed.headers[HTTPField.Name("Pragma")!] == "no-cache")
            let wrongType = try await cp.send(.post, "/v1/me/mfa/totp/disable", json: ["password": 7, "code": "x"], key: .some(key))
            #expect(wrongType.status == 400 && wrongType.text.contains("field 'password' has the wrong type"), "\(wrongType.text)")
            cp.clock.advance(30)
            let disabled = try await cp.send(
                .post,
                "/v1/me/mfa/totp/disable",
                json: ["password": "eve's long password", "code": cp.totp(secret)],
                key: .some(key)
            )
            #expect(disabled.status == 204 && disabled.body.isEmpty, "\(disabled.text)")
        }
    }
}
