import Foundation

/// The identity-lifecycle property test's own account of who exists, who belongs where and which
/// person learnt which secret (`IdentityLifecyclePropertyTests`). Its rules are docs/access.md's
/// "Member lifecycle" and docs/security.md's F1; it never asks the control plane what should happen.
///
/// Person `i` is the real owner of account `i`; admins act with their own accounts; the
/// superuser is trusted, and hands the reset codes it issues to the account's owner.
struct IdentityLifecycleModel {
    static let orgs = ["org-a", "org-b", "org-c"]
    /// Accounts 0-2 are the first owners of the three organisations; the others are new emails
    /// until an organisation invites them (the CFO is finding 1's victim).
    static let emails = [
        "ann@org-a.test", "bob@org-b.test", "cat@org-c.test", "cfo@victim.test", "dan@people.test", "eve@people.test",
        "fay@people.test",
    ]

    static func label(_ person: Int) -> String { String(emails[person].prefix { $0 != "@" }) }

    static func names(_ orgs: Set<Int>) -> String { orgs.sorted().map { Self.orgs[$0] }.joined(separator: ", ") }

    /// Where an account belongs, for a failure's report: "org-a (joined admin), org-b (invited member)".
    func standing(_ account: Int) -> String {
        let memberships = accounts[account].memberships.sorted { $0.key < $1.key }.map { org, membership in
            "\(Self.orgs[org]) (\(membership.joined ? "joined" : "invited")\(membership.disabled ? ", disabled" : "") \(membership.role))"
        }
        return memberships.isEmpty ? "no organisation" : memberships.joined(separator: ", ")
    }

    struct Membership {
        var role: String
        var joined: Bool
        var disabled = false
    }

    struct Account {
        var email: String
        /// The server's id, once an invitation created the account.
        var id: String?
        /// The password the server holds (nil until the account's first).
        var password: String?
        var memberships: [Int: Membership] = [:]
        /// Per organisation, the one invitation code that still works (an invited membership's latest).
        var invitation: [Int: String] = [:]
        /// The confirmed authenticator secret and the unused recovery codes (only the owner has them).
        var totp: Data?
        var recoveryCodes: [String] = []

        /// The organisations the account can act in: joined and not disabled.
        var activeOrgs: Set<Int> { Set(memberships.filter { $0.value.joined && !$0.value.disabled }.keys) }
    }

    enum Kind: String {
        case password, session
        case apiKey = "API key"
    }

    /// A way to act as `account` that `holder` learnt. A non-owner's may reach only `authority`:
    /// the organisations whose admins put it in their hands (a reset or an invitation of theirs).
    struct Credential {
        var kind: Kind
        var account: Int
        var secret: String
        var holder: Int
        var authority: Set<Int>
        /// A session or API key that ended (a password is live while it is the account's).
        var ended = false
        /// A probe saw the server refuse it; nothing brings it back, so it is not probed again.
        var confirmedEnded = false
    }

    struct Reset {
        var code: String
        var account: Int
        /// The issuing organisation and admin; nil for the superuser.
        var org: Int?
        var issuer: Int?
        var holders: Set<Int>
        /// The step that issued it (a failure's trace starts there).
        var issuedAt: Int
        /// Used, replaced by a newer code, or voided by a password change.
        var spent = false
        /// Since it was issued, a membership changed in a way the control plane may void the code
        /// for (docs/security.md, F1), even if it changed back: the account invited or joined anywhere, removed or disabled in the
        /// issuing organisation, or the issuer removed or disabled there.
        var unsettled = false
    }

    struct Invitation {
        var code: String
        var org: Int
        var account: Int
        var holders: Set<Int>
    }

    /// The statuses a request may end with: one, or several where the rules leave the choice open.
    struct Expected: CustomStringConvertible {
        var statuses: Set<Int>
        static func status(_ status: Int) -> Expected { Expected(statuses: [status]) }
        static let redeemed = status(204)
        /// A used, replaced or expired code: 400.
        static let spent = status(400)
        /// A code whose authority lapsed: 400 when a membership change already voided it, 403 when redemption finds it void.
        static let void = Expected(statuses: [400, 403])
        static let open = Expected(statuses: [204, 400, 403])
        var description: String { statuses.sorted().map(String.init).joined(separator: " or ") }
    }

    var accounts = emails.map { Account(email: $0) }
    var credentials: [Credential] = []
    var resets: [Reset] = []
    var invitations: [Invitation] = []

    func isLive(_ credential: Credential) -> Bool {
        credential.kind == .password ? accounts[credential.account].password == credential.secret : !credential.ended
    }

    /// A live session or API key of `person`'s own account, to act with (the newest).
    func ownCredential(_ person: Int) -> Credential? {
        credentials.last { $0.account == person && $0.holder == person && $0.kind != .password && isLive($0) }
    }

    /// The password of `person`'s own account, when they know it.
    func knownPassword(_ person: Int) -> String? {
        accounts[person].password.flatMap { password in
            credentials.contains { $0.account == person && $0.holder == person && $0.secret == password } ? password : nil
        }
    }

    /// How the control plane refuses `person` acting as an admin of `org` (an owner where
    /// `owner`): 404 for a non-member (invited ones too), 403 disabled or below the role; nil: allowed.
    func adminRefusal(_ person: Int, _ org: Int, owner: Bool = false) -> Int? {
        guard let membership = accounts[person].memberships[org], membership.joined else { return 404 }
        if membership.disabled || membership.role == "member" || (owner && membership.role != "owner") { return 403 }
        return nil
    }

    func isAdmin(_ person: Int, of org: Int) -> Bool { adminRefusal(person, org) == nil }

    /// How a member route refuses `admin` acting on `target` in `org`: the admin's own standing,
    /// then 404 for a target that is no member, then 403 for an owner when the admin is none.
    func memberRefusal(_ admin: Int, on target: Int, in org: Int) -> Int? {
        if let refusal = adminRefusal(admin, org) { return refusal }
        guard let membership = accounts[target].memberships[org] else { return 404 }
        return membership.role == "owner" ? adminRefusal(admin, org, owner: true) : nil
    }

    /// Whether `org` keeps a joined, enabled owner besides `account` (the last one cannot go).
    func anotherOwner(of org: Int, than account: Int) -> Bool {
        accounts.indices.contains { index in
            guard index != account, let membership = accounts[index].memberships[org] else { return false }
            return membership.role == "owner" && membership.joined && !membership.disabled
        }
    }

    func isValid(_ invitation: Invitation) -> Bool {
        accounts[invitation.account].invitation[invitation.org] == invitation.code
    }

    /// `GET /v1/orgs/{org}/members` with a credential of `account`: 401 ended, 404 not joined,
    /// 403 disabled or a plain member, 200 an admin or owner.
    func membersListing(_ credential: Credential, org: Int) -> Int {
        guard isLive(credential) else { return 401 }
        guard let membership = accounts[credential.account].memberships[org], membership.joined else { return 404 }
        return membership.disabled || membership.role == "member" ? 403 : 200
    }

    /// What redeeming `reset` by `person` must do, and — for anyone but the account's owner — why
    /// its success would break the property: a code an organisation's admin issued lets its holder
    /// act for the account only while that admin still is one (an owner, for an owner) and the
    /// account belongs to that organisation alone, invited or joined. Where only voiding beyond
    /// what the property needs differs (`Reset.unsettled`, a disabled issuer, an account of no organisation any
    /// more), either answer passes.
    func judge(_ reset: Reset, by person: Int) -> (expected: Expected, forbidden: String?) {
        if reset.spent { return (.spent, nil) }
        let account = accounts[reset.account]
        guard let org = reset.org, let issuer = reset.issuer else {
            // The superuser's code: whether a join voids it is the control plane's choice.
            return (reset.unsettled ? .open : .redeemed, nil)
        }
        let elsewhere = Set(account.memberships.keys).subtracting([org])
        let standing = accounts[issuer].memberships[org]
        var forbidden: String?
        if !elsewhere.isEmpty {
            forbidden = "\(account.email) also belongs to \(Self.names(elsewhere)) (invited or joined)"
        } else if standing?.joined != true || standing?.role == "member" {
            forbidden = "its issuer \(Self.label(issuer)) is no longer an admin of \(Self.orgs[org])"
        } else if account.memberships[org]?.role == "owner" && standing?.role != "owner" {
            forbidden =
                "\(account.email) is now an owner of \(Self.orgs[org]), whom its issuer \(Self.label(issuer)) (an admin) cannot reset"
        }
        if forbidden != nil {
            // The owner redeeming a code handed to them is no attack: the property allows either answer.
            return person == reset.account ? (.open, nil) : (.void, forbidden)
        }
        let open = reset.unsettled || standing?.disabled == true || account.memberships.isEmpty
        return (open ? .open : .redeemed, nil)
    }

    /// Every live way a non-owner has to act as an account in an organisation whose admins did
    /// not give it to them. The property says there is none (a password behind TOTP signs nobody in).
    func violations() -> [(message: String, accounts: Set<Int>)] {
        credentials.compactMap { credential in
            let account = accounts[credential.account]
            guard credential.holder != credential.account, isLive(credential), credential.kind != .password || account.totp == nil
            else { return nil }
            let outside = account.activeOrgs.subtracting(credential.authority)
            guard !outside.isEmpty else { return nil }
            return (
                "\(Self.label(credential.holder)) holds a live \(credential.kind.rawValue) of \(account.email) that acts in \(Self.names(outside))",
                [credential.holder, credential.account]
            )
        }
    }

    mutating func invited(_ account: Int, to org: Int, role: String, code: String, by admin: Int) {
        accounts[account].memberships[org] = Membership(role: role, joined: false)
        unsettle { $0.account == account && $0.org != org }
        reissued(account, org: org, code: code, by: admin)
    }

    /// A new invitation replaces the membership's earlier codes.
    mutating func reissued(_ account: Int, org: Int, code: String, by admin: Int) {
        accounts[account].invitation[org] = code
        invitations.append(Invitation(code: code, org: org, account: account, holders: [admin]))
    }

    mutating func joined(_ account: Int, org: Int) {
        accounts[account].memberships[org]?.joined = true
        accounts[account].invitation[org] = nil
        unsettle { $0.account == account }
    }

    /// Removal deletes the membership and revokes its pending invitation.
    mutating func removed(_ account: Int, from org: Int) {
        accounts[account].memberships[org] = nil
        accounts[account].invitation[org] = nil
        unsettle { $0.org == org && ($0.account == account || $0.issuer == account) }
    }

    mutating func setDisabled(_ account: Int, in org: Int, _ disabled: Bool) {
        accounts[account].memberships[org]?.disabled = disabled
        if disabled { unsettle { $0.org == org && ($0.account == account || $0.issuer == account) } }
    }

    private mutating func unsettle(_ affected: (Reset) -> Bool) {
        for index in resets.indices where affected(resets[index]) { resets[index].unsettled = true }
    }

    /// A newer code voids the account's earlier ones.
    mutating func issuedReset(_ code: String, for account: Int, org: Int?, by issuer: Int?, holders: Set<Int>, at step: Int) {
        for index in resets.indices where resets[index].account == account { resets[index].spent = true }
        resets.append(Reset(code: code, account: account, org: org, issuer: issuer, holders: holders, issuedAt: step))
    }

    mutating func gained(_ kind: Kind, _ secret: String, of account: Int, by person: Int, authority: Set<Int>) {
        credentials.append(Credential(kind: kind, account: account, secret: secret, holder: person, authority: authority))
    }

    /// A redemption sets the password and ends every session and API key of the account.
    mutating func redeemed(_ index: Int, by person: Int, password: String) {
        resets[index].spent = true
        let account = resets[index].account
        for other in credentials.indices where credentials[other].account == account && credentials[other].kind != .password {
            credentials[other].ended = true
        }
        accounts[account].password = password
        let authority: Set<Int> = person == account ? [] : Set(resets[index].org.map { [$0] } ?? [])
        gained(.password, password, of: account, by: person, authority: authority)
    }

    /// A change ends the account's other sessions and API keys (whoever knew the old password
    /// may have made them; the one making the change stays) and voids its reset codes.
    mutating func changedPassword(_ account: Int, to password: String, keeping used: String) {
        for index in credentials.indices
        where credentials[index].account == account && credentials[index].kind != .password && credentials[index].secret != used {
            credentials[index].ended = true
        }
        for index in resets.indices where resets[index].account == account { resets[index].spent = true }
        accounts[account].password = password
        gained(.password, password, of: account, by: account, authority: [])
    }

    /// `holder` joined `account` to `org` with a credential of it and `org`'s own invitation:
    /// `org`'s admin handed that code over, so what they hold for the account reaches `org` too.
    mutating func widened(_ account: Int, heldBy holder: Int, to org: Int) {
        for index in credentials.indices where credentials[index].account == account && credentials[index].holder == holder {
            credentials[index].authority.insert(org)
        }
    }
}
