public import Foundation
import Logging
import PostgresNIO

/// A user's second factor, as shown to them (`GET /v1/me`).
public struct MFAStatus: Sendable, Equatable {
    public var totp: Bool
    public var recoveryCodesLeft: Int
}

/// A pending TOTP enrolment, shown once: the secret and the URI an authenticator app scans.
public struct TOTPEnrolment: Sendable {
    public var secret: String
    public var otpauthURI: String
}

/// TOTP second factor (RFC 6238; `docs/access.md`, "Second factor"): enrolment by the user
/// alone, confirmed by a code; ten single-use recovery codes; the second step of sign-in.
/// Nobody but the account's holder can enrol, confirm or disable it — there is no API that does
/// it for someone else.
public struct SecondFactor: Sendable {
    let client: PostgresClient
    let store: MFAStore
    let accounts: AccountStore
    let masterKeys: MasterKeys
    let throttle: LoginThrottle
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// The issuer label authenticator apps show.
    static let issuer = "AgentOS Control Plane"

    static func aad(user: UUID) -> Data { Data("agentos-cp/totp-secret/v1|\(user.lowercased)".utf8) }

    public func status(user: UUID) async throws -> MFAStatus {
        let (totp, left) = try await store.status(user: user)
        return MFAStatus(totp: totp, recoveryCodesLeft: left)
    }

    /// Starts (or restarts) an enrolment: a new 160-bit secret, sealed under the KEK, pending
    /// until confirmed. 409 when TOTP is already on.
    public func enrol(_ caller: Caller) async throws -> TOTPEnrolment {
        let id = try Accounts.user(caller)
        guard let (user, _) = try await accounts.user(id) else { throw Authentication.invalidCredentials }
        var secret = Data(count: 20)
        for index in secret.indices { secret[index] = UInt8.random(in: 0...255) }
        let sealed = try masterKeys.seal(secret, aad: Self.aad(user: id))
        guard try await store.putPending(user: id, ciphertext: sealed.ciphertext, kekID: sealed.kekID, at: now()) else {
            throw ControlPlaneError.conflict("TOTP is already on for this account; disable it first to enrol a new authenticator")
        }
        let text = Base32.encode(secret)
        return TOTPEnrolment(secret: text, otpauthURI: Self.uri(secret: text, email: user.email))
    }

    static func uri(secret: String, email: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@")
        let label = (issuer + ":" + email).addingPercentEncoding(withAllowedCharacters: allowed) ?? email
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label.replacingOccurrences(of: "%3A", with: ":"))?secret=\(secret)&issuer=\(issuerParameter)"
            + "&algorithm=SHA1&digits=\(TOTP.digits)&period=\(TOTP.period)"
    }

    /// Confirms the pending enrolment with a code from the authenticator: TOTP is on from now,
    /// and the ten recovery codes are returned (shown once; stored hashed).
    public func confirm(_ caller: Caller, code text: String) async throws -> [String] {
        let id = try Accounts.user(caller)
        guard case .totp(let code) = try SecondFactorCode.parse(text) else {
            throw ControlPlaneError.invalid("confirm with a 6-digit code from the authenticator app")
        }
        guard let (user, _) = try await accounts.user(id) else { throw Authentication.invalidCredentials }
        let at = now()
        let codes = SecondFactorCode.newRecoveryCodes()
        try await throttled(email: user.email, wrong: .invalid("the code does not match the pending secret (check the device's clock)")) {
            try await client.transaction(logger: logger) { connection in
                guard let enrolment = try await store.enrolment(user: id, on: connection), !enrolment.confirmed else {
                    throw ControlPlaneError.conflict("no pending TOTP enrolment: POST /v1/me/mfa/totp first")
                }
                guard let step = try matchingStep(enrolment, user: id, code: code, at: at),
                    try await store.useStep(user: id, step: step, confirm: at, on: connection)
                else { return false }
                let hashes = codes.map { SecondFactorCode.recoveryHash(user: id, normalised: $0.replacingOccurrences(of: "-", with: "")) }
                try await store.replaceRecoveryCodes(user: id, hashes: hashes, at: at, on: connection)
                try await auditAll(
                    .init(.mfaEnrolled, "user:\(id.lowercased)", ["email": user.email]),
                    user: id,
                    by: caller.actor,
                    on: connection
                )
                return true
            }
        }
        logger.notice("TOTP enrolled", metadata: ["user": "\(id.lowercased)"])
        return codes
    }

    /// Turns TOTP off: needs the password and a code (or a recovery code) — a stolen session alone cannot.
    public func disable(_ caller: Caller, password: String, code text: String) async throws {
        let id = try Accounts.user(caller)
        let parsed = try SecondFactorCode.parse(text)
        guard let (user, hash) = try await accounts.user(id) else { throw Authentication.invalidCredentials }
        guard let enrolment = try await store.enrolment(user: id), enrolment.confirmed else {
            throw ControlPlaneError.conflict("TOTP is not on for this account")
        }
        let at = now()
        try await throttled(email: user.email, wrong: .forbidden("the password or the code is wrong")) {
            guard password.utf8.count <= 1024, try await Passwords.verify(password, hash: hash) else { return false }
            return try await client.transaction(logger: logger) { connection in
                guard try await accept(parsed, user: id, enrolment: enrolment, by: caller.actor, at: at, on: connection) else {
                    return false
                }
                try await store.remove(user: id, on: connection)
                try await auditAll(
                    .init(.mfaDisabled, "user:\(id.lowercased)", ["email": user.email]),
                    user: id,
                    by: caller.actor,
                    on: connection
                )
                return true
            }
        }
        logger.notice("TOTP disabled", metadata: ["user": "\(id.lowercased)"])
    }

    /// Checks and spends `code` for a confirmed enrolment inside the caller's transaction: a TOTP
    /// code of a step not used before, or an unused recovery code (audited when used).
    func accept(
        _ code: SecondFactorCode,
        user: UUID,
        enrolment: MFAStore.Enrolment,
        by actor: AuditActor,
        at: Date,
        on connection: PostgresConnection
    ) async throws -> Bool {
        switch code {
        case .totp(let digits):
            guard let step = try matchingStep(enrolment, user: user, code: digits, at: at) else { return false }
            return try await store.useStep(user: user, step: step, confirm: nil, on: connection)
        case .recovery(let normalised):
            let hash = SecondFactorCode.recoveryHash(user: user, normalised: normalised)
            guard try await store.useRecoveryCode(user: user, hash: hash, at: at, on: connection) else { return false }
            try await auditAll(.init(.recoveryCodeUsed, "user:\(user.lowercased)"), user: user, by: actor, on: connection)
            return true
        }
    }

    private func matchingStep(_ enrolment: MFAStore.Enrolment, user: UUID, code: String, at: Date) throws -> Int64? {
        let secret = try masterKeys.open(enrolment.ciphertext, aad: Self.aad(user: user), kekID: enrolment.kekID)
        return TOTP.matchingStep(secret: secret, code: code, now: at, after: enrolment.lastStep)
    }

    /// Runs a check of a secret under the sign-in throttle (per email): `body` answers whether it
    /// passed; a `false` counts as a failure and throws `wrong`.
    private func throttled(email: String, wrong: ControlPlaneError, _ body: () async throws -> Bool) async throws {
        let keys = ["email:" + email.lowercased()]
        if let wait = throttle.reserve(keys, now: now()) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }
        var outcome = LoginThrottle.Outcome.failed
        defer { throttle.finish(keys, outcome, now: now()) }
        guard try await body() else { throw wrong }
        outcome = .succeeded
    }

    /// MFA changes have no organisation of their own: they go to the system chain, and to the
    /// chain of every organisation the account belongs to (whose admins answer for its members).
    func auditAll(_ event: AuditEvent, user: UUID, by actor: AuditActor, on connection: PostgresConnection) async throws {
        let at = now()
        try await audit.appendSystem(event, by: actor, at: at, on: connection)
        for org in try await store.organizations(of: user, on: connection) {
            try await audit.append(event, org: org, by: actor, at: at, on: connection)
        }
    }
}
