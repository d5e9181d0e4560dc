import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// People using what they learnt about accounts that are not theirs: admins redeeming the reset
/// codes they issued and trying the invitation codes they made, and anyone who took an account
/// over signing in and using its sessions and API keys. A success is judged by the property,
/// never by the code under test.
extension IdentityLifecycleDriver {
    /// `person` signs in as `account` with `password`: the owner completes a second factor with
    /// their authenticator (or a recovery code); anyone else cannot, and tries a guessed code.
    /// The session, or nil.
    @discardableResult
    mutating func signIn(as account: Int, by person: Int, password: String, authority: Set<Int>) async throws -> String? {
        let state = model.accounts[account]
        let live = state.password == password
        let reply = try await throttled("/v1/auth/login", json: ["email": state.email, "password": password])
        let who = person == account ? "\(Model.label(person)) signs in" : "\(Model.label(person)) signs in as \(state.email)"
        let involved: Set<Int> = [person, account]
        guard check(reply, !live ? 401 : state.totp == nil ? 201 : 200, who, involved), live else { return nil }
        var session = reply.json["token"] as? String
        if let secret = state.totp {
            nextStep()
            var code = person == account ? cp.totp(secret) : cp.wrongTOTP(secret)
            var how = person == account ? "a TOTP code" : "a guessed code"
            if person == account, chance(0.2), let recovery = model.accounts[account].recoveryCodes.popLast() {
                (code, how) = (recovery, "a recovery code")
            }
            let challenge = reply.json["mfa_token"] as? String ?? ""
            let completed = try await throttled("/v1/auth/login/mfa", json: ["mfa_token": challenge, "code": code])
            guard check(completed, person == account ? 201 : 401, "\(who): completes it with \(how)", involved), person == account else {
                return nil
            }
            session = completed.json["token"] as? String
        }
        guard let session else {
            fail("\(who): no session in \(reply.text.prefix(200))", involved)
            return nil
        }
        model.gained(.session, session, of: account, by: person, authority: authority)
        touched.insert(account)
        return session
    }

    /// An admin redeems a reset code they issued, choosing the password themself: allowed only
    /// while they are an admin of the one organisation the account belongs to. Like a patient
    /// attacker, they mostly keep a code until it would reach further (the account was invited
    /// elsewhere, joined elsewhere, or they stopped being an admin).
    mutating func redeemAsIssuer() async throws -> Bool {
        let held = model.resets.indices.filter { index in model.resets[index].holders.contains { $0 != model.resets[index].account } }
        let unspent = held.filter { !model.resets[$0].spent }
        let attackerOf = { (reset: Model.Reset) in reset.holders.filter { $0 != reset.account }.min()! }
        let ripe = unspent.filter { model.judge(model.resets[$0], by: attackerOf(model.resets[$0])).forbidden != nil }
        let chosen =
            !ripe.isEmpty && chance(0.7) ? pick(ripe) : !unspent.isEmpty && chance(0.3) ? pick(unspent) : chance(0.3) ? pick(held) : nil
        guard let index = chosen else { return false }
        let reset = model.resets[index]
        let attacker = attackerOf(reset)
        let email = model.accounts[reset.account].email
        let (expected, forbidden) = model.judge(reset, by: attacker)
        let password = newPassword()
        let reply = try await send(.post, "/v1/auth/password-reset", json: ["code": reset.code, "password": password], key: nil)
        let what =
            "\(Model.label(attacker)) redeems \(reset.org.map { Model.orgs[$0] } ?? "the superuser")'s reset code for \(email) themself"
        let involved: Set<Int> = [attacker, reset.account]
        if reply.status == 204, let forbidden {
            log("\(what) → 204", involved)
            let shown = try await demonstrate(reset.account, password: password, outside: reset.org)
            fail(
                "SECURITY: \(Model.label(attacker)) took over \(email) with the reset code of step \(reset.issuedAt) although \(forbidden)\(shown)",
                involved,
                since: reset.issuedAt
            )
            return true
        }
        guard check(reply, expected, what, involved, since: reset.issuedAt) else { return true }
        if reply.status == 204 {
            counts["takeovers allowed", default: 0] += 1
            model.redeemed(index, by: attacker, password: password)
            touched.insert(reset.account)
            if chance(0.5) {
                try await signIn(as: reset.account, by: attacker, password: password, authority: Set(reset.org.map { [$0] } ?? []))
            }
        } else {
            counts[forbidden == nil ? "redemptions refused" : "cross-organisation redemptions refused", default: 0] += 1
            model.resets[index].spent = true
        }
        return true
    }

    /// What a forbidden takeover gives: a sign-in as the account, and the members of its other
    /// organisations (finding 1 listed the victim organisation's members).
    mutating func demonstrate(_ account: Int, password: String, outside org: Int?) async throws -> String {
        let email = model.accounts[account].email
        let login = try await throttled("/v1/auth/login", json: ["email": email, "password": password])
        guard let session = login.json["token"] as? String else {
            return login.status == 200
                ? "; signing in then asked for the account's second factor (TOTP, which only its owner has)"
                : "; signing in then answered \(login.status)"
        }
        var shown = "; then signed in as \(email) (\(login.status))"
        for other in Model.orgs.indices where other != org && model.accounts[account].memberships[other] != nil {
            let members = try await send(.get, "/v1/orgs/\(Model.orgs[other])/members", key: session)
            shown += " and listed \(Model.orgs[other])'s members (\(members.status))"
        }
        return shown
    }

    /// Someone who learnt another account's password (a takeover, a squat) signs in with it.
    mutating func signInAsOther() async throws -> Bool {
        let learnt = model.credentials.filter { $0.kind == .password && $0.holder != $0.account }
        let live = learnt.filter { model.isLive($0) }
        guard let credential = !live.isEmpty && chance(0.8) ? pick(live) : pick(learnt) else { return false }
        try await signIn(as: credential.account, by: credential.holder, password: credential.secret, authority: credential.authority)
        return true
    }

    /// Someone uses a session or API key of another account they hold: every organisation's members.
    mutating func useOthersCredential() async throws -> Bool {
        let held = model.credentials.indices.filter { index in
            let credential = model.credentials[index]
            return credential.kind != .password && credential.holder != credential.account && !credential.confirmedEnded
        }
        guard let index = pick(held) else { return false }
        try await probe(index)
        return true
    }

    /// A takeover session makes itself an API key (which a password reset must end too).
    mutating func mintAPIKey() async throws -> Bool {
        let held = model.credentials.filter { $0.kind == .session && $0.holder != $0.account && !$0.confirmedEnded }
        guard let credential = pick(held) else { return false }
        let reply = try await send(.post, "/v1/api-keys", json: ["name": "kept"], key: credential.secret)
        let what = "\(Model.label(credential.holder)) makes an API key with their session of \(Model.label(credential.account))"
        guard check(reply, model.isLive(credential) ? 201 : 401, what, [credential.holder, credential.account]), reply.status == 201
        else { return true }
        model.gained(
            .apiKey,
            reply.json["key"] as? String ?? "",
            of: credential.account,
            by: credential.holder,
            authority: credential.authority
        )
        touched.insert(credential.account)
        return true
    }

    /// The admin who made an invitation tries it: with their own credential (403, another
    /// account's: the code stays usable), with a credential they hold of the account it names
    /// (their organisation's code, so it then reaches their organisation), or as a new account (a
    /// squat: the residual risk of unverified emails, refused once the account exists).
    mutating func tryInvitation() async throws -> Bool {
        let made = model.invitations.indices.filter { index in
            model.invitations[index].holders.contains { $0 != model.invitations[index].account }
        }
        let open = made.filter { model.isValid(model.invitations[$0]) }
        guard let index = !open.isEmpty && chance(0.85) ? pick(open) : pick(made) else { return false }
        let invitation = model.invitations[index]
        let (account, org) = (invitation.account, invitation.org)
        let admin = invitation.holders.filter { $0 != account }.min()!
        let valid = model.isValid(invitation)
        let held = model.credentials.last { $0.account == account && $0.holder == admin && $0.kind != .password && model.isLive($0) }
        let involved: Set<Int> = [admin, account]
        let what = "\(Model.label(admin)) tries \(Model.orgs[org])'s invitation of \(Model.label(account))"
        if let held, chance(0.6) {
            let reply = try await cp.acceptInvitation(invitation.code, key: held.secret)
            guard check(reply, valid ? 200 : 400, "\(what) with their \(held.kind.rawValue) of it", involved), reply.status == 200 else {
                return true
            }
            model.joined(account, org: org)
            model.widened(account, heldBy: admin, to: org)
            touched.insert(account)
        } else if let own = model.ownCredential(admin), chance(0.7) {
            let reply = try await cp.acceptInvitation(invitation.code, key: own.secret)
            check(reply, valid ? 403 : 400, "\(what) with their own \(own.kind.rawValue)", involved)
        } else {
            let password = newPassword()
            let reply = try await cp.acceptInvitation(invitation.code, name: Model.label(account), password: password)
            let expected = !valid ? 400 : model.accounts[account].password == nil ? 201 : 409
            guard check(reply, expected, "\(what) as a new account", involved), reply.status == 201 else { return true }
            counts["squats", default: 0] += 1
            model.accounts[account].password = password
            model.gained(.password, password, of: account, by: admin, authority: [org])
            model.gained(.session, reply.json["token"] as? String ?? "", of: account, by: admin, authority: [org])
            model.joined(account, org: org)
            touched.insert(account)
        }
        return true
    }

    /// An admin tries the superuser's reset route (403 for anyone but the superuser).
    mutating func trySuperuserRoute() async throws -> Bool {
        guard let person = pick(actors), let target = pick(existing.filter { $0 != person }) else { return false }
        let reply = try await send(.post, "/v1/users/\(model.accounts[target].id!)/password-reset", key: key(person))
        check(reply, 403, "\(Model.label(person)) asks the superuser's route for a reset of \(Model.label(target))", [person, target])
        return true
    }
}
