import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// What guards the second factor: the throttle, hostile bodies, turning it off, and the
/// organisation's requirement.
@Suite("Second factor: throttle, disabling, hostile input, require_mfa")
struct MFAGuardTests {
    static let email = "dana@acme.test"
    static let password = "correct horse battery"

    @Test func aBurstOfWrongCodesIsThrottledWithWrongPasswords() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            let (secret, _) = try await cp.enrolTOTP(key: session)
            cp.clock.advance(30)
            // Seven wrong passwords first: they count in the same window (10 per minute,
            // docs/operations.md) as wrong codes, so exactly three codes are left to check — fewer
            // than the five that wear a challenge out, so every code reaches the throttle.
            for _ in 0..<7 { #expect(try await cp.login(Self.email, "wrong password!").status == 401) }
            let token = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            let wrong = cp.wrongTOTP(secret)
            let replies = try await withThrowingTaskGroup(of: ControlPlaneHarness.Reply.self) { group in
                for _ in 0..<40 { group.addTask { try await cp.completeLogin(token, wrong) } }
                return try await group.reduce(into: [ControlPlaneHarness.Reply]()) { $0.append($1) }
            }
            let evaluated = replies.filter { $0.status == 401 && $0.text.contains("wrong authenticator") }
            let throttled = replies.filter { $0.status == 429 }
            #expect(evaluated.count == 3 && throttled.count == 37, "\(replies.map(\.status).sorted())")
            #expect(throttled.allSatisfy { Int($0.headers[.retryAfter] ?? "") ?? 0 >= 1 })
            // The 37 were refused before their code was checked: a checked wrong code counts
            // against the challenge, and it holds exactly the three (a throttle that checked every
            // code and answered 429 afterwards would have worn it out).
            #expect(try await cp.count("SELECT sum(failures)::bigint FROM mfa_challenges") == 3)
            // The right password and the right code both wait out the window now: a throttle that
            // checked the code first would let a guess in the burst through.
            #expect(try await cp.login(Self.email, Self.password).status == 429)
            let right = try await cp.completeLogin(token, cp.totp(secret))
            #expect(right.status == 429 && right.headers[.setCookie] == nil, "\(right.refusalSummary)")
            // Two more wrong codes are still checked (three failures, not five) and wear the
            // challenge out, whatever the throttle says: then even the right code is refused.
            cp.clock.advance(61)
            for attempt in 0..<2 {
                let checked = try await cp.completeLogin(token, cp.wrongTOTP(secret))
                #expect(checked.status == 401 && checked.text.contains("wrong authenticator"), "\(attempt): \(checked.text)")
            }
            let worn = try await cp.completeLogin(token, cp.totp(secret))
            #expect(worn.status == 401 && worn.text.contains("sign-in challenge"), "\(worn.text)")
            let fresh = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            #expect(try await cp.completeLogin(fresh, cp.totp(secret)).status == 201)
        }
    }

    @Test func hostileBodiesChangeNothing() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            // Before enrolment: confirm without a pending one, disable without TOTP.
            try await cp.expectRefused(
                .post,
                "/v1/me/mfa/totp/confirm",
                json: ["code": "123456"],
                key: .some(session),
                status: 409,
                message: "pending"
            )
            try await cp.expectRefused(
                .post,
                "/v1/me/mfa/totp/disable",
                json: ["password": Self.password, "code": "123456"],
                key: .some(session),
                status: 409,
                message: "not on"
            )
            // Only users have a second factor.
            try await cp.expectRefused(.post, "/v1/me/mfa/totp", status: 400, message: "only users")
            let (secret, codes) = try await cp.enrolTOTP(key: session)
            let token = try #require(try await cp.login(Self.email, Self.password).json["mfa_token"] as? String)
            // Malformed input is a 400 (docs/api.md: a code of neither shape counts nothing), a
            // recovery code where only a 6-digit one fits included; nothing changes.
            let bad: [(String, String?, Any?, Int)] = [
                ("/v1/auth/login/mfa", "{\"mfa_token\":", nil, 400),
                ("/v1/auth/login/mfa", nil, ["mfa_token": token, "code": 123_456], 400),
                ("/v1/auth/login/mfa", nil, ["mfa_token": token, "code": "12ab56"], 400),
                ("/v1/auth/login/mfa", nil, ["mfa_token": token, "code": "1234567"], 400),
                ("/v1/auth/login/mfa", nil, ["code": "123456"], 400),
                ("/v1/auth/login/mfa", nil, ["mfa_token": ["x"], "code": "123456"], 400),
                ("/v1/me/mfa/totp/confirm", nil, ["code": 123_456], 400),
                ("/v1/me/mfa/totp/confirm", nil, ["code": codes[0]], 400),
                ("/v1/me/mfa/totp/disable", nil, ["password": Self.password, "code": "abcdef"], 400),
                ("/v1/me/mfa/totp/disable", nil, ["code": codes[0]], 400),
                ("/v1/me/mfa/totp/disable", nil, ["password": true, "code": codes[0]], 400),
                ("/v1/me/mfa/totp/disable", "[]", nil, 400),
            ]
            for (index, (path, raw, json, status)) in bad.enumerated() {
                let key: String?? = path.hasPrefix("/v1/auth") ? .some(nil) : .some(session)
                try await cp.expectRefused(
                    .post,
                    path,
                    json: json,
                    raw: raw,
                    key: key,
                    status: status,
                    note: "bad body \(index), \(path): "
                )
            }
            // A non-JSON content type is a 415.
            try await cp.expectRefused(.post, "/v1/auth/login/mfa", raw: "x", contentType: "text/plain", key: .some(nil), status: 415)
            // Nothing changed: still enrolled with ten codes, the challenge still works with a code.
            #expect(try await cp.mfaState(session) == .init(enabled: true, totp: true, left: 10))
            cp.clock.advance(30)
            #expect(try await cp.completeLogin(token, cp.totp(secret)).status == 201)
        }
    }

    @Test func disablingNeedsThePasswordAndACode() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let session = try await cp.signedInAdmin(Self.email, Self.password)
            let (secret, codes) = try await cp.enrolTOTP(key: session)
            cp.clock.advance(30)
            func disable(_ password: String, _ code: String) async throws -> ControlPlaneHarness.Reply {
                try await cp.send(.post, "/v1/me/mfa/totp/disable", json: ["password": password, "code": code], key: .some(session))
            }
            let wrongPassword = try await disable("not the password", cp.totp(secret))
            #expect(wrongPassword.status == 403 && wrongPassword.text.contains("password or the code is wrong"), "\(wrongPassword.text)")
            try await cp.expectRefusal(403, message: "password or the code is wrong") {
                try await disable(Self.password, cp.wrongTOTP(secret))
            }
            #expect(try await cp.count("SELECT count(*)::int FROM user_totp WHERE confirmed_at IS NOT NULL") == 1)
            let off = try await disable(Self.password, codes[9])
            #expect(off.status == 204, "\(off.text)")
            #expect(try await cp.count("SELECT count(*)::int FROM user_totp") == 0)
            #expect(try await cp.count("SELECT count(*)::int FROM mfa_recovery_codes") == 0)
            #expect(try await cp.mfaState(session) == .init(enabled: false, totp: false, left: 0))
            #expect(try await cp.login(Self.email, Self.password).status == 201)
            let mfaActions = try await cp.auditActions().filter { $0.hasPrefix("mfa.") }
            let diagnosis = try await cp.auditDiagnosis()
            #expect(mfaActions == ["mfa.enrolled", "mfa.recovery_code_used", "mfa.disabled"], "\(mfaActions); \(diagnosis)")
        }
    }
}
