import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Sign-in and TOTP enrolment as a person with an authenticator app would do them.
extension ControlPlaneHarness {
    func login(_ email: String, _ password: String) async throws -> Reply {
        try await send(.post, "/v1/auth/login", json: ["email": email, "password": password], key: .some(nil))
    }

    func completeLogin(_ token: String, _ code: String) async throws -> Reply {
        try await send(.post, "/v1/auth/login/mfa", json: ["mfa_token": token, "code": code], key: .some(nil))
    }

    /// Org `acme` with `email` as an admin member, and that member's session (no TOTP yet).
    func signedInAdmin(_ email: String, _ password: String) async throws -> String {
        try await makeOrg()
        try await addMember(email, role: "admin", password: password)
        return try await session(email, password)
    }

    /// A signed-in session for an account without TOTP.
    func session(_ email: String, _ password: String) async throws -> String {
        let reply = try await login(email, password)
        #expect(reply.status == 201, "sign in \(email): \(reply.text)")
        return try #require(reply.json["token"] as? String)
    }

    /// Stops the clock and moves it to one second into a fresh 30-second step: the server's
    /// current step changes only when the test advances the clock.
    func alignToStep() {
        clock.freeze()
        let now = clock.now().timeIntervalSince1970
        let next = (now / 30).rounded(.down) * 30 + 30
        clock.advance(next - now + 1)
    }

    /// The code an authenticator shows `offset` steps from now.
    func totp(_ secret: Data, offset: Int64 = 0) -> String {
        TOTP.code(secret: secret, step: TOTP.step(at: clock.now()) + offset)
    }

    /// A six-digit code that is none of the window's codes (so certainly wrong).
    func wrongTOTP(_ secret: Data) -> String {
        let window = Set((-2...2).map { totp(secret, offset: Int64($0)) })
        return (0..<10).map { String(repeating: "\($0)", count: 6) }.first { !window.contains($0) } ?? "000000"
    }

    /// Enrols and confirms TOTP with `key`; returns (secret, recovery codes). Aligns the clock and
    /// leaves the current step used (the next sign-in needs the next step's code).
    func enrolTOTP(key: String) async throws -> (secret: Data, recoveryCodes: [String]) {
        alignToStep()
        let started = try await send(.post, "/v1/me/mfa/totp", key: .some(key))
        #expect(started.status == 201, "\(started.text)")
        let text = try #require(started.json["secret"] as? String)
        let secret = try #require(Base32.decode(text))
        let confirmed = try await send(.post, "/v1/me/mfa/totp/confirm", json: ["code": totp(secret)], key: .some(key))
        #expect(confirmed.status == 200, "\(confirmed.text)")
        return (secret, try #require(confirmed.json["recovery_codes"] as? [String]))
    }

    /// `GET /v1/me`'s `mfa` object as (enabled, totp, recovery_codes_left).
    struct MFAState: Equatable, CustomStringConvertible {
        var enabled: Bool?
        var totp: Bool?
        var left: Int?
        var description: String { "enabled=\(enabled.map(String.init) ?? "-") totp=\(totp.map(String.init) ?? "-") left=\(left ?? -1)" }
    }

    func mfaState(_ key: String) async throws -> MFAState {
        let mfa = try await send(.get, "/v1/me", key: .some(key)).json["mfa"] as? [String: Any] ?? [:]
        return MFAState(enabled: mfa["enabled"] as? Bool, totp: mfa["totp"] as? Bool, left: mfa["recovery_codes_left"] as? Int)
    }

    /// The actions of `org`'s audit chain, oldest first.
    func auditActions(_ org: String = "acme") async throws -> [String] {
        let rows = try await database.query(
            "SELECT e.action FROM audit_events e JOIN organizations g ON g.id = e.org_id WHERE g.slug = \(org) ORDER BY e.seq",
            logger: TestCluster.logger
        )
        return try await rows.decode(String.self).collect()
    }

    /// What the audit inbox holds and refused, for a failure's message.
    func auditDiagnosis() async throws -> String {
        let waiting = try await count("SELECT count(*)::int FROM audit_inbox")
        let refused = try await database.query(
            "SELECT coalesce(details->>'action', '') || ': ' || coalesce(details->>'reason', '') FROM audit_events WHERE action = 'audit.inbox_rejected'",
            logger: TestCluster.logger
        ).decode(String.self).collect()
        return "inbox holds \(waiting), refused: \(refused)"
    }

    func count(_ sql: String) async throws -> Int {
        try await database.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger).decode(Int.self).collect().first ?? -1
    }
}
