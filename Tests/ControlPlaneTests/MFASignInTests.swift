import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// TOTP enrolment and the two-step sign-in, against a real control plane and database.
@Suite("Second factor: enrolment and sign-in")
struct MFASignInTests {
    static let email = "dana@acme.test"
    static let password = "correct horse battery"

    @Test func enrolConfirmThenSignInNeedsACode() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            #expect(try await cp.mfaState(session) == .init(enabled: false, totp: false, left: 0))
            cp.alignToStep()
            let first = try await cp.send(.post, "/v1/me/mfa/totp", key: .some(session))
            #expect(first.status == 201 && first.headers[.cacheControl] == "no-store", "\(first.text)")
            let text = try #require(first.json["secret"] as? String)
            #expect(
                first.json["otpauth_uri"] as? String
                    == "otpauth://totp/AgentOS%20Control%20Plane:dana@acme.test?secret=\(text)&issuer=AgentOS%20Control%20Plane&algorithm=SHA1&digits=6&period=30"
            )
            // Pending: sign-in is unchanged, and a second start replaces the secret.
            #expect(try await cp.login(Self.email, Self.password).status == 201)
            let again = try await cp.send(.post, "/v1/me/mfa/totp", key: .some(session))
            let secretText = try #require(again.json["secret"] as? String)
            #expect(again.status == 201 && secretText != text)
            let secret = try #require(Base32.decode(secretText))
            #expect(secret.count == 20)
            // Sealed at rest: the stored bytes are not the secret, and open only with the KEK and this user's AAD.
            let rows = try await cp.database.query(
                "SELECT t.secret_ciphertext, t.kek_id, t.confirmed_at IS NULL, u.id FROM user_totp t JOIN users u ON u.id = t.user_id",
                logger: TestCluster.logger
            )
            let stored = try await rows.decode((Data, String, Bool, UUID).self).collect()
            #expect(stored.count == 1 && stored[0].2 == true)
            #expect(stored[0].0.range(of: secret) == nil)
            #expect(
                try ControlPlaneHarness.masterKeys.open(stored[0].0, aad: SecondFactor.aad(user: stored[0].3), kekID: stored[0].1) == secret
            )
            #expect(throws: ControlPlaneError.self) {
                try ControlPlaneHarness.masterKeys.open(stored[0].0, aad: SecondFactor.aad(user: UUID()), kekID: stored[0].1)
            }
            // A wrong code does not confirm.
            let wrong = try await cp.send(.post, "/v1/me/mfa/totp/confirm", json: ["code": cp.wrongTOTP(secret)], key: .some(session))
            #expect(wrong.status == 400 && wrong.text.contains("does not match"), "\(wrong.text)")
            let confirmed = try await cp.send(.post, "/v1/me/mfa/totp/confirm", json: ["code": cp.totp(secret)], key: .some(session))
            #expect(confirmed.status == 200 && confirmed.headers[.cacheControl] == "no-store", "\(confirmed.text)")
            let codes = try #require(confirmed.json["recovery_codes"] as? [String])
            #expect(codes.count == 10 && Set(codes).count == 10)
            // Recovery codes are stored hashed only.
            let hashes = try await cp.database.query("SELECT code_hash FROM mfa_recovery_codes", logger: TestCluster.logger)
            let stored10 = try await hashes.decode(Data.self).collect()
            #expect(stored10.count == 10)
            // Exactly the documented digests, salted with the user: not the codes, not their bare SHA-256.
            #expect(Set(stored10) == Set(codes.map { StoredDigest.recovery($0, user: stored[0].3) }))
            #expect(Set(stored10).isDisjoint(with: codes.map { StoredDigest.of($0) }))
            try await cp.expectRefused(
                .post,
                "/v1/me/mfa/totp/confirm",
                json: ["code": cp.totp(secret)],
                key: .some(session),
                status: 409,
                message: "pending"
            )
            try await cp.expectRefused(.post, "/v1/me/mfa/totp", key: .some(session), status: 409, message: "already on")
            #expect(try await cp.mfaState(session) == .init(enabled: true, totp: true, left: 10))
            // Sign-in now stops at the challenge: no session yet.
            let sessions = try await cp.count("SELECT count(*)::int FROM sessions")
            let challenge = try await cp.login(Self.email, Self.password)
            #expect(challenge.status == 200 && challenge.headers[.cacheControl] == "no-store", "\(challenge.text)")
            #expect(challenge.json["mfa_required"] as? Bool == true && challenge.json["expires_at"] is String)
            #expect(challenge.json["token"] == nil)
            let token = try #require(challenge.json["mfa_token"] as? String)
            #expect(token.hasPrefix("cpm_"))
            #expect(try await cp.count("SELECT count(*)::int FROM sessions") == sessions)
            #expect(
                try await cp.count("SELECT count(*)::int FROM mfa_challenges WHERE token_hash = '\\x\(StoredDigest.of(token).hex)'") == 1
            )
            // The code that confirmed is spent (same step): refused; the next step's code signs in.
            // A wrong code counts against the challenge (void after five) and changes nothing else.
            try await cp.expectRefusal(401, message: "wrong authenticator or recovery code", changing: ["mfa_challenges"]) {
                try await cp.completeLogin(token, cp.totp(secret))
            }
            cp.clock.advance(30)
            let signedIn = try await cp.completeLogin(token, cp.totp(secret))
            #expect(signedIn.status == 201 && signedIn.headers[.cacheControl] == "no-store", "\(signedIn.text)")
            let newSession = try #require(signedIn.json["token"] as? String)
            #expect(newSession.hasPrefix("cps_") && signedIn.json["expires_at"] is String)
            #expect(try await cp.send(.get, "/v1/orgs/acme", key: .some(newSession)).status == 200)
            // The challenge is single use.
            cp.clock.advance(30)
            try await cp.expectRefusal(401, message: "sign-in challenge") { try await cp.completeLogin(token, cp.totp(secret)) }
            let mfaActions = try await cp.auditActions().filter { $0.hasPrefix("mfa.") }
            let diagnosis = try await cp.auditDiagnosis()
            #expect(mfaActions == ["mfa.enrolled"], "\(mfaActions); \(diagnosis)")
        }
    }

    @Test func oneStepEitherSideCountsTwoDoNotAndEachCodeWorksOnce() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            let (secret, _) = try await cp.enrolTOTP(key: session)
            cp.clock.advance(120)
            cp.alignToStep()
            func challenge() async throws -> String {
                try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            }
            func accepted(_ offset: Int64) async throws -> Int {
                try await cp.completeLogin(try await challenge(), cp.totp(secret, offset: offset)).status
            }
            // A refused code moves nothing but its challenge's failure count (not the last step used).
            func refused(_ offset: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let token = try await challenge()
                try await cp.expectRefusal(
                    401,
                    message: "wrong authenticator",
                    changing: ["mfa_challenges"],
                    sourceLocation: sourceLocation
                ) {
                    try await cp.completeLogin(token, cp.totp(secret, offset: offset))
                }
            }
            try await refused(-2)
            try await refused(2)
            #expect(try await accepted(-1) == 201)
            #expect(try await accepted(0) == 201)
            try await refused(0)  // replayed
            try await refused(-1)  // earlier than one used
            #expect(try await accepted(1) == 201)
            try await refused(1)
        }
    }

    @Test func recoveryCodeWorksOnce() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            let (_, codes) = try await cp.enrolTOTP(key: session)
            let token = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            // Case and dashes do not matter.
            let used = try await cp.completeLogin(token, codes[3].uppercased().replacingOccurrences(of: "-", with: " "))
            #expect(used.status == 201, "\(used.text)")
            let me = try await cp.send(.get, "/v1/me", key: .some(session))
            #expect((me.json["mfa"] as? [String: Any])?["recovery_codes_left"] as? Int == 9)
            let second = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            try await cp.expectRefusal(401, message: "wrong authenticator or recovery code", changing: ["mfa_challenges"]) {
                try await cp.completeLogin(second, codes[3])
            }
            // The console's cookie delivery works for the second step as for sign-in.
            let cookie = try await cp.send(
                .post,
                "/v1/auth/login/mfa",
                json: ["mfa_token": second, "code": codes[4]],
                key: .some(nil),
                headers: [HTTPField.Name("X-Session-Delivery")!: "cookie"]
            )
            #expect(cookie.status == 201 && cookie.json["token"] == nil && cookie.json["expires_at"] is String, "\(cookie.text)")
            #expect(cookie.headers[values: .setCookie].contains { $0.hasPrefix("cp_session=cps_") && $0.contains("HttpOnly") })
            #expect(cookie.headers[.cacheControl] == "no-store")
            #expect(
                try await cp.auditActions().filter { $0.hasPrefix("mfa.") } == [
                    "mfa.enrolled", "mfa.recovery_code_used", "mfa.recovery_code_used",
                ]
            )
        }
    }

    @Test func challengeExpiresAfterFiveMinutes() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            let (_, codes) = try await cp.enrolTOTP(key: session)
            let token = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            cp.clock.advance(301)
            try await cp.expectRefusal(401, message: "invalid, used or expired sign-in challenge") {
                try await cp.completeLogin(token, codes[0])
            }
            // The recovery code was not spent by the refused attempt.
            let fresh = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            #expect(try await cp.completeLogin(fresh, codes[0]).status == 201)
            // Tokens of another shape or unknown ones are the same 401.
            try await cp.expectRefusal(401, message: "sign-in challenge") { try await cp.completeLogin("cpm_unknown", codes[1]) }
            try await cp.expectRefusal(401, message: "sign-in challenge") { try await cp.completeLogin("cps_x", codes[1]) }
        }
    }
}

extension Data {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
