import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// The lifecycle as its people mean it: admins invite, remove, disable and issue resets; each
/// person accepts their own invitations, redeems the codes handed to them, signs in, changes
/// their password and turns TOTP on and off. Each returns false when nobody can take the step now.
extension IdentityLifecycleDriver {
    var existing: [Int] { model.accounts.indices.filter { model.accounts[$0].id != nil } }

    func key(_ person: Int) -> String { model.ownCredential(person)?.secret ?? "" }

    func path(_ org: Int, _ account: Int, _ tail: String = "") -> String {
        "/v1/orgs/\(Model.orgs[org])/members/\(model.accounts[account].id ?? "")\(tail)"
    }

    /// A member of `org` (any state) most of the time, else any account (a 404 to judge).
    mutating func memberOrAnyone(of org: Int) -> Int? {
        let members = existing.filter { model.accounts[$0].memberships[org] != nil }
        return !members.isEmpty && chance(0.9) ? pick(members) : pick(existing)
    }

    /// An admin invites a new email or an existing account. An account some other organisation's
    /// admin holds a reset code for is picked more often than chance would: finding 1 is that
    /// organisation inviting "the CFO" while the code is still out.
    mutating func invite() async throws -> Bool {
        let org = anyOrg()
        guard let admin = adminActor(in: org) else { return false }
        let fresh = model.accounts.indices.filter { model.accounts[$0].id == nil }
        let codedElsewhere = model.resets.filter { !$0.spent && $0.org != nil && $0.org != org }.map(\.account)
        let target =
            !codedElsewhere.isEmpty && chance(0.3)
            ? pick(codedElsewhere) : fresh.isEmpty || chance(0.6) ? pick(existing) : pick(fresh)
        guard let target else { return false }
        let role = chance(0.05) ? "owner" : chance(0.3) ? "admin" : "member"
        let account = model.accounts[target]
        let expected = model.adminRefusal(admin, org, owner: role == "owner") ?? (account.memberships[org] == nil ? 201 : 409)
        let body: [String: Any] = ["email": account.email, "name": Model.label(target), "role": role]
        let reply = try await send(.post, "/v1/orgs/\(Model.orgs[org])/members", json: body, key: key(admin))
        let what = "\(Model.label(admin)) invites \(account.email) to \(Model.orgs[org]) as \(role)"
        guard check(reply, expected, what, [admin, target]), reply.status == 201 else { return true }
        let id = (reply.json["user"] as? [String: Any])?["id"] as? String
        if account.id != nil && id != account.id { fail("\(what): a second account \(id ?? "-") for one email", [target]) }
        model.accounts[target].id = id
        model.invited(target, to: org, role: role, code: invitationCode(reply), by: admin)
        touched.insert(target)
        return true
    }

    func invitationCode(_ reply: Reply) -> String { (reply.json["invitation"] as? [String: Any])?["code"] as? String ?? "" }

    mutating func reissue() async throws -> Bool {
        let org = anyOrg()
        guard let admin = adminActor(in: org), let target = memberOrAnyone(of: org) else { return false }
        let expected = model.memberRefusal(admin, on: target, in: org) ?? (model.accounts[target].memberships[org]!.joined ? 409 : 201)
        let reply = try await send(
            .post,
            "/v1/orgs/\(Model.orgs[org])/invitations",
            json: ["user": model.accounts[target].id!],
            key: key(admin)
        )
        let what = "\(Model.label(admin)) re-issues \(Model.orgs[org])'s invitation of \(Model.label(target))"
        guard check(reply, expected, what, [admin, target]), reply.status == 201 else { return true }
        model.reissued(target, org: org, code: invitationCode(reply), by: admin)
        return true
    }

    /// The admin who holds an invitation hands it to the person it names, who accepts it signed
    /// in (signing in first when they only know their password) or, without a credential, as a
    /// new account choosing a password (refused, 409, for an account that already has one).
    mutating func acceptByOwner() async throws -> Bool {
        let open = model.invitations.indices.filter { model.isValid(model.invitations[$0]) }
        guard let index = !open.isEmpty && chance(0.85) ? pick(open) : pick(Array(model.invitations.indices)) else { return false }
        let invitation = model.invitations[index]
        let person = invitation.account
        let valid = model.isValid(invitation)
        model.invitations[index].holders.insert(person)
        var key = model.ownCredential(person)?.secret
        if key == nil, let password = model.knownPassword(person) {
            key = try await signIn(as: person, by: person, password: password, authority: [])
            guard failure == nil else { return true }
        }
        let what = "\(Model.label(person)) accepts \(Model.orgs[invitation.org])'s invitation"
        if let key {
            let reply = try await cp.acceptInvitation(invitation.code, key: key)
            guard check(reply, valid ? 200 : 400, "\(what) signed in", [person]), reply.status == 200 else { return true }
        } else {
            let password = newPassword()
            let reply = try await cp.acceptInvitation(invitation.code, name: Model.label(person), password: password)
            let expected = !valid ? 400 : model.accounts[person].password == nil ? 201 : 409
            guard check(reply, expected, "\(what) as a new account", [person]), reply.status == 201 else { return true }
            model.accounts[person].password = password
            model.gained(.password, password, of: person, by: person, authority: [])
            model.gained(.session, reply.json["token"] as? String ?? "", of: person, by: person, authority: [])
        }
        model.joined(person, org: invitation.org)
        touched.insert(person)
        return true
    }

    /// An admin removes a member, or (`leaving`) someone removes their own membership — the only
    /// way out there is, so plain members cannot leave (403).
    mutating func remove(leaving: Bool) async throws -> Bool {
        let org = anyOrg()
        let admin: Int?
        let target: Int?
        if leaving {
            admin = pick(actors.filter { model.accounts[$0].memberships[org] != nil })
            target = admin
        } else {
            admin = adminActor(in: org)
            target = memberOrAnyone(of: org)
        }
        guard let admin, let target else { return false }
        let membership = model.accounts[target].memberships[org]
        let lastOwner = membership.map { $0.role == "owner" && $0.joined } == true && !model.anotherOwner(of: org, than: target)
        let expected = model.memberRefusal(admin, on: target, in: org) ?? (lastOwner ? 409 : 204)
        let reply = try await send(.delete, path(org, target), key: key(admin))
        let what =
            leaving
            ? "\(Model.label(admin)) leaves \(Model.orgs[org])"
            : "\(Model.label(admin)) removes \(Model.label(target)) from \(Model.orgs[org])"
        guard check(reply, expected, what, [admin, target]), reply.status == 204 else { return true }
        model.removed(target, from: org)
        touched.insert(target)
        return true
    }

    mutating func toggleDisabled() async throws -> Bool {
        let org = anyOrg()
        guard let admin = adminActor(in: org), let target = memberOrAnyone(of: org) else { return false }
        let membership = model.accounts[target].memberships[org]
        let disable = membership?.disabled != true || chance(0.3)
        let demotesLastOwner =
            disable && membership.map { $0.role == "owner" && $0.joined && !$0.disabled } == true
            && !model.anotherOwner(of: org, than: target)
        let expected = model.memberRefusal(admin, on: target, in: org) ?? (demotesLastOwner ? 409 : 200)
        let reply = try await send(.patch, path(org, target), json: ["disabled": disable], key: key(admin))
        let what = "\(Model.label(admin)) \(disable ? "disables" : "enables") \(Model.label(target)) in \(Model.orgs[org])"
        guard check(reply, expected, what, [admin, target]), reply.status == 200 else { return true }
        model.setDisabled(target, in: org, disable)
        touched.insert(target)
        return true
    }

    /// An org admin issues a reset code (only for an account of their organisation alone that has
    /// accepted its invitation, which they mostly pick; the others are refused).
    mutating func issueOrgReset() async throws -> Bool {
        let org = anyOrg()
        let alone = existing.filter { Set(model.accounts[$0].memberships.keys) == [org] }
        guard let admin = adminActor(in: org), let target = !alone.isEmpty && chance(0.6) ? pick(alone) : memberOrAnyone(of: org) else {
            return false
        }
        // A member who has not accepted the invitation gets no reset (409): the admin would choose
        // the account's first password.
        let invited = model.accounts[target].memberships[org]?.joined == false
        let expected = model.memberRefusal(admin, on: target, in: org) ?? (invited ? 409 : alone.contains(target) ? 201 : 403)
        let reply = try await send(.post, path(org, target, "/password-reset"), key: key(admin))
        let what = "\(Model.label(admin)) issues \(Model.orgs[org])'s reset code for \(Model.label(target))"
        guard check(reply, expected, what, [admin, target]), reply.status == 201 else { return true }
        model.issuedReset(reply.json["code"] as? String ?? "", for: target, org: org, by: admin, holders: [admin], at: step)
        return true
    }

    /// The superuser issues a reset code, mostly for someone who lost every credential, and
    /// hands it to the account's owner.
    mutating func issueSuperuserReset() async throws -> Bool {
        let lost = existing.filter { model.ownCredential($0) == nil && model.knownPassword($0) == nil }
        guard let target = !lost.isEmpty && chance(0.7) ? pick(lost) : pick(existing) else { return false }
        let reply = try await cp.send(.post, "/v1/users/\(model.accounts[target].id!)/password-reset")
        guard check(reply, 201, "the superuser issues a reset code for \(Model.label(target))", [target]) else { return true }
        model.issuedReset(reply.json["code"] as? String ?? "", for: target, org: nil, by: nil, holders: [target], at: step)
        return true
    }

    /// The account's owner redeems a code handed to them: mostly the superuser's, sometimes an
    /// admin's (the rest are left to their issuers, whose attacks are the point).
    mutating func redeemByOwner() async throws -> Bool {
        let unspent = model.resets.indices.filter { !model.resets[$0].spent }
        let superuser = unspent.filter { model.resets[$0].org == nil }
        let chosen =
            !superuser.isEmpty && chance(0.6)
            ? pick(superuser) : !unspent.isEmpty && chance(0.8) ? pick(unspent) : pick(Array(model.resets.indices))
        guard let index = chosen else { return false }
        let reset = model.resets[index]
        let person = reset.account
        model.resets[index].holders.insert(person)
        let password = newPassword()
        let reply = try await send(.post, "/v1/auth/password-reset", json: ["code": reset.code, "password": password], key: nil)
        let issuer = reset.issuer.map { "\(Model.label($0)) (\(Model.orgs[reset.org!]))" } ?? "the superuser"
        let involved = Set([person] + (reset.issuer.map { [$0] } ?? []))
        let what = "\(Model.label(person)) redeems \(issuer)'s reset code"
        guard check(reply, model.judge(reset, by: person).expected, what, involved, since: reset.issuedAt) else { return true }
        if reply.status == 204 {
            model.redeemed(index, by: person, password: password)
            touched.insert(person)
        } else {
            model.resets[index].spent = true
        }
        return true
    }

    mutating func changePassword() async throws -> Bool {
        guard let person = pick(actors.filter { model.knownPassword($0) != nil }), let credential = model.ownCredential(person) else {
            return false
        }
        let new = newPassword()
        let body = ["current_password": model.knownPassword(person)!, "new_password": new]
        let reply = try await throttled("/v1/me/password", json: body, key: credential.secret)
        guard check(reply, 204, "\(Model.label(person)) changes their password", [person]) else { return true }
        model.changedPassword(person, to: new, keeping: credential.secret)
        touched.insert(person)
        return true
    }

    /// Someone who knows their password signs in, mostly one without a live credential.
    mutating func signInAsOwner() async throws -> Bool {
        let knowing = model.accounts.indices.filter { model.knownPassword($0) != nil }
        let stranded = knowing.filter { model.ownCredential($0) == nil }
        guard let person = !stranded.isEmpty && chance(0.8) ? pick(stranded) : pick(knowing) else { return false }
        try await signIn(as: person, by: person, password: model.knownPassword(person)!, authority: [])
        return true
    }

    mutating func enrolTOTP() async throws -> Bool {
        guard let person = pick(actors.filter { model.accounts[$0].totp == nil }) else { return false }
        let started = try await send(.post, "/v1/me/mfa/totp", key: key(person))
        guard check(started, 201, "\(Model.label(person)) starts a TOTP enrolment", [person]) else { return true }
        guard let secret = Base32.decode(started.json["secret"] as? String ?? "") else {
            fail("no TOTP secret in \(started.text.prefix(200))", [person])
            return true
        }
        nextStep()
        let confirmed = try await throttled("/v1/me/mfa/totp/confirm", json: ["code": cp.totp(secret)], key: key(person))
        guard check(confirmed, 200, "\(Model.label(person)) confirms it", [person]) else { return true }
        model.accounts[person].totp = secret
        model.accounts[person].recoveryCodes = confirmed.json["recovery_codes"] as? [String] ?? []
        touched.insert(person)
        return true
    }

    mutating func disableTOTP() async throws -> Bool {
        let enrolled = actors.filter { model.accounts[$0].totp != nil && model.knownPassword($0) != nil }
        guard let person = pick(enrolled), let secret = model.accounts[person].totp else { return false }
        nextStep()
        var code = cp.totp(secret)
        if chance(0.2), let recovery = model.accounts[person].recoveryCodes.popLast() { code = recovery }
        let body = ["password": model.knownPassword(person)!, "code": code]
        let reply = try await throttled("/v1/me/mfa/totp/disable", json: body, key: key(person))
        guard check(reply, 204, "\(Model.label(person)) turns TOTP off", [person]) else { return true }
        model.accounts[person].totp = nil
        model.accounts[person].recoveryCodes = []
        touched.insert(person)
        return true
    }

    mutating func createOwnAPIKey() async throws -> Bool {
        let keyless = actors.filter { person in
            !model.credentials.contains { $0.account == person && $0.holder == person && $0.kind == .apiKey && model.isLive($0) }
        }
        guard let person = pick(keyless) else { return false }
        let reply = try await send(.post, "/v1/api-keys", json: ["name": "laptop"], key: key(person))
        guard check(reply, 201, "\(Model.label(person)) creates an API key", [person]) else { return true }
        model.gained(.apiKey, reply.json["key"] as? String ?? "", of: person, by: person, authority: [])
        return true
    }
}
