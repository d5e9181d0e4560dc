public import Foundation

/// The second step of sign-in: after the right password, an account with TOTP gets a challenge
/// token (`cpm_…`: random, single use, 5 minutes, stored hashed, bound to the account) instead
/// of a session, and trades it with a code for the session.
extension SecondFactor {
    /// How long a challenge lasts.
    static let challengeLifetime: TimeInterval = 300
    /// Wrong codes a challenge survives before it is void (the throttle bounds guesses anyway).
    static let challengeFailures = 5

    static let invalidChallenge = ControlPlaneError.unauthenticated("invalid, used or expired sign-in challenge; sign in again")
    static let wrongCode = ControlPlaneError.unauthenticated("wrong authenticator or recovery code")

    /// A second-factor challenge for a sign-in that passed its password check.
    public struct Challenge: Sendable {
        public var token: String
        public var expiresAt: Date
    }

    /// Whether sign-in needs a code from `user` (a confirmed enrolment; a pending one does not count).
    func isRequired(user: UUID) async throws -> Bool {
        try await store.status(user: user).totp
    }

    func challenge(user: UUID, at: Date) async throws -> Challenge {
        let token = Secrets.generate(prefix: "cpm_")
        let expires = at.addingTimeInterval(Self.challengeLifetime)
        try await store.insertChallenge(hash: Secrets.hash(token), user: user, at: at, expires: expires)
        return Challenge(token: token, expiresAt: expires)
    }

    /// Checks `code` for the challenge and spends both; the account it signs in. Wrong codes
    /// count in the sign-in throttle (per email and per client address) like wrong passwords.
    func complete(challenge token: String, code text: String, clientAddress: String) async throws -> UUID {
        guard token.hasPrefix("cpm_"), token.utf8.count <= 256 else { throw Self.invalidChallenge }
        let code = try SecondFactorCode.parse(text)
        let hash = Secrets.hash(token)
        guard let challenge = try await store.challenge(hash: hash, at: now(), maxFailures: Self.challengeFailures) else {
            throw Self.invalidChallenge
        }
        let emailKey = "email:" + challenge.email.lowercased().prefix(254)
        let keys = [emailKey, "addr:" + clientAddress]
        if let wait = throttle.reserve(keys, now: now()) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }
        var outcome = LoginThrottle.Outcome.failed
        defer { throttle.finish(keys, outcome, resetting: [emailKey], now: now()) }
        let at = now()
        let accepted = try await client.transaction(logger: logger) { connection in
            guard let enrolment = try await store.enrolment(user: challenge.user, on: connection), enrolment.confirmed else {
                throw Self.invalidChallenge
            }
            let actor = AuditActor("user:\(challenge.user.lowercased)")
            guard try await accept(code, user: challenge.user, enrolment: enrolment, by: actor, at: at, on: connection) else {
                return false
            }
            guard try await store.takeChallenge(hash: hash, at: at, maxFailures: Self.challengeFailures, on: connection) else {
                throw Self.invalidChallenge
            }
            return true
        }
        guard accepted else {
            try await store.countFailure(challenge: hash)
            throw Self.wrongCode
        }
        outcome = .succeeded
        return challenge.user
    }
}
