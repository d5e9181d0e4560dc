import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Takes `IdentityLifecyclePropertyTests`' random steps against a control plane: each step is a
/// person acting with what that person holds; its answer is judged by `IdentityLifecycleModel`,
/// which then follows what happened. The first wrong answer or broken property stops the run.
struct IdentityLifecycleDriver {
    typealias Model = IdentityLifecycleModel
    typealias Reply = ControlPlaneHarness.Reply

    let cp: ControlPlaneHarness
    let seed: UInt64
    var model = Model()
    /// SplitMix64, seeded: a failing seed replays (the escalation test's copy; this target does
    /// not link AgentOSAuthTestSupport's).
    var random: EscalationPropertyTests.Generator
    /// What each step did, with the accounts it involved (a failure prints the ones it concerns).
    var trace: [(step: Int, line: String, accounts: Set<Int>)] = []
    var step = 0
    var failure: String?
    var failureAccounts: Set<Int> = []
    /// The step a failure's story starts at (a reset code's issue), for its report.
    var failureSince = 0
    /// Accounts whose credentials' reach may have changed in this step: probed after it.
    var touched: Set<Int> = []
    /// How often each outcome occurred (a run where one never occurs would prove little).
    var counts: [String: Int] = [:]
    private var serial = 0

    init(_ cp: ControlPlaneHarness, seed: UInt64) {
        self.cp = cp
        self.seed = seed
        random = .init(state: seed)
    }

    /// Three organisations, each with its first owner signed in, as the superuser sets them up.
    mutating func setUp() async throws {
        // TOTP steps and the sign-in throttle's window move only when the test moves the clock.
        cp.alignToStep()
        for (org, slug) in Model.orgs.enumerated() {
            try await cp.makeOrg(slug)
            let body: [String: Any] = ["email": Model.emails[org], "name": Model.label(org), "role": "owner"]
            let invited = try await cp.send(.post, "/v1/orgs/\(slug)/members", json: body)
            let code = try #require((invited.json["invitation"] as? [String: Any])?["code"] as? String, "\(invited.text)")
            let password = newPassword()
            let accepted = try await cp.acceptInvitation(code, name: Model.label(org), password: password)
            let session = try #require(accepted.json["token"] as? String, "\(accepted.text)")
            model.accounts[org].id = (invited.json["user"] as? [String: Any])?["id"] as? String
            model.accounts[org].password = password
            model.accounts[org].memberships[org] = .init(role: "owner", joined: true)
            model.gained(.password, password, of: org, by: org, authority: [])
            model.gained(.session, session, of: org, by: org, authority: [])
        }
    }

    // MARK: - Randomness

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

    mutating func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int.random(in: 0..<items.count, using: &random)] }

    mutating func anyOrg() -> Int { Int.random(in: 0..<Model.orgs.count, using: &random) }

    /// A password nobody else will choose (8-72 bytes, not an email, not a common one).
    mutating func newPassword() -> String {
        serial += 1
        return "lifecycle \(seed) #\(serial)"
    }

    /// People who can act now: they hold a live session or API key of their own account.
    var actors: [Int] { model.accounts.indices.filter { model.ownCredential($0) != nil } }

    /// Who sends an admin's request in `org`: mostly one of its admins, sometimes anyone with a
    /// credential (their refusal is judged too).
    mutating func adminActor(in org: Int) -> Int? {
        let admins = actors.filter { model.isAdmin($0, of: org) }
        return !admins.isEmpty && chance(0.85) ? pick(admins) : pick(actors)
    }

    // MARK: - Requests

    func send(_ method: HTTPRequest.Method, _ path: String, json: Any? = nil, key: String?) async throws -> Reply {
        try await cp.send(method, path, json: json, key: .some(key))
    }

    /// A request that counts in the sign-in throttle. The attacks fail sign-ins often, so a 429
    /// moves the clock past its `Retry-After`, as a person would wait, and the request goes again.
    mutating func throttled(_ path: String, json: [String: Any], key: String? = nil) async throws -> Reply {
        var reply = try await send(.post, path, json: json, key: key)
        while reply.status == 429 {
            counts["throttle waits", default: 0] += 1
            cp.clock.advance((Double(reply.headers[.retryAfter] ?? "") ?? 60) + 1)
            reply = try await send(.post, path, json: json, key: key)
        }
        return reply
    }

    /// The next TOTP step: each code is accepted once, and only for a step later than the last used.
    func nextStep() { cp.clock.advance(30) }

    // MARK: - Judging

    /// Logs the step and records the first answer the model did not expect. Returns whether it was expected.
    @discardableResult
    mutating func check(_ reply: Reply, _ expected: Model.Expected, _ what: String, _ accounts: Set<Int>, since: Int = 0) -> Bool {
        log("\(what) → \(reply.status)", accounts)
        guard expected.statuses.contains(reply.status) else {
            fail("\(what): expected \(expected), got \(reply.status) \(reply.text.prefix(300))", accounts, since: since)
            return false
        }
        return true
    }

    @discardableResult
    mutating func check(_ reply: Reply, _ expected: Int, _ what: String, _ accounts: Set<Int>) -> Bool {
        check(reply, .status(expected), what, accounts)
    }

    mutating func log(_ line: String, _ accounts: Set<Int>) { trace.append((step, line, accounts)) }

    mutating func fail(_ message: String, _ accounts: Set<Int>, since: Int = 0) {
        guard failure == nil else { return }
        let standing = accounts.sorted().map { "\(Model.label($0)): \(model.standing($0))" }.joined(separator: "; ")
        failure = "step \(step): \(message)\n(now \(standing))"
        failureAccounts = accounts
        failureSince = since
    }

    /// After every step: no non-owner holds a live way into an organisation whose admins did not
    /// give it (the model), and the server agrees with the model about every session and API key
    /// of the accounts the step touched: live or ended, and which organisations' members each lists.
    mutating func checkProperty() async throws {
        for violation in model.violations() { fail("SECURITY: \(violation.message)", violation.accounts) }
        let accounts = touched
        touched = []
        for index in model.credentials.indices {
            let credential = model.credentials[index]
            guard failure == nil, accounts.contains(credential.account), credential.kind != .password, !credential.confirmedEnded
            else { continue }
            try await probe(index)
        }
    }

    /// Whether a session or API key works as the model says: its owner's with `GET /v1/me`; anyone
    /// else's by listing every organisation's members (reaching one outside its authority is the
    /// property broken).
    mutating func probe(_ index: Int) async throws {
        let credential = model.credentials[index]
        let involved: Set<Int> = [credential.holder, credential.account]
        let who = "\(Model.label(credential.holder))'s \(credential.kind.rawValue) of \(Model.label(credential.account))"
        var statuses: [Int] = []
        if credential.holder == credential.account {
            let reply = try await send(.get, "/v1/me", key: credential.secret)
            let expected = model.isLive(credential) ? 200 : 401
            if reply.status != expected { fail("\(who): GET /v1/me expected \(expected), got \(reply.status)", involved) }
            statuses.append(reply.status)
        } else {
            for org in Model.orgs.indices {
                let reply = try await send(.get, "/v1/orgs/\(Model.orgs[org])/members", key: credential.secret)
                statuses.append(reply.status)
                let expected = model.membersListing(credential, org: org)
                guard reply.status != expected else { continue }
                let reach = [200, 403].contains(reply.status) && !credential.authority.contains(org) ? "SECURITY: " : ""
                fail("\(reach)\(who) lists \(Model.orgs[org])'s members: expected \(expected), got \(reply.status)", involved)
            }
            log("\(who) lists the members of \(Model.orgs.joined(separator: ", ")) → \(statuses)", involved)
        }
        if statuses.allSatisfy({ $0 == 401 }) { model.credentials[index].confirmedEnded = true }
    }

    /// The seed, what failed, and the steps since its story began that involved the accounts
    /// concerned (the last 60 of them).
    func report() -> String {
        guard let failure else { return "" }
        let lines = trace.filter { $0.step >= failureSince && !$0.accounts.isDisjoint(with: failureAccounts) }.suffix(60)
        let who = failureAccounts.sorted().map(Model.label).joined(separator: ", ")
        return "identity lifecycle, seed \(seed), \(failure)\nsteps involving \(who)\(failureSince > 0 ? " since #\(failureSince)" : ""):\n"
            + lines.map { "  #\($0.step) \($0.line)" }.joined(separator: "\n")
    }
}
