import Foundation
import HTTPTypes
import Testing

extension MatrixFixture {
    /// The organisations `acme` and `other`, their OSes, people, roles, bindings, grants, service
    /// accounts and throwaway objects (docs in `AuthorizationMatrix`), and `caller`'s credential.
    static func build(_ cp: ControlPlaneHarness, for caller: MatrixCaller) async throws -> MatrixFixture {
        let password = AuthorizationMatrix.password
        var values: [String: MatrixJSON] = ["password": .string(password), "new-password": "matrix-passphrase-25"]
        try await cp.makeOrg("acme")
        try await cp.makeOrg("other")
        for os in ["prod", "keys", "doomed"] { try await cp.makeOS(os, algorithm: "ES256") }
        try await cp.makeOS("edge", org: "other", algorithm: "ES256")
        try await cp.created(.post, "/v1/orgs/acme/os", ["id": "noauth", "name": "No auth", "authorization": false])

        // People who are callers, and `target` (the sign-in row), have a password; the others
        // joined with an API key of their own, as `addMember` does.
        var ids: [String: String] = [:]
        let joined: [(String, String, String)] = [
            ("owner@acme.test", "owner", "acme"), ("admin@acme.test", "admin", "acme"), ("member@acme.test", "member", "acme"),
            ("disabled@acme.test", "member", "acme"), ("target@acme.test", "member", "acme"), ("mfa@acme.test", "member", "acme"),
            ("owner2@acme.test", "owner", "acme"), ("owner3@acme.test", "owner", "acme"), ("leaver@acme.test", "member", "acme"),
            ("outsider@other.test", "member", "other"), ("admin@other.test", "admin", "other"),
        ]
        let withPassword: Set<String> = Set(MatrixCaller.allCases.compactMap(\.email) + ["target@acme.test", "mfa@acme.test"])
        for (email, role, org) in joined {
            ids[email] = try await cp.addMember(email, role: role, org: org, password: withPassword.contains(email) ? password : nil)
        }
        for email in ["invitee@acme.test", "resettable@acme.test"] { _ = try await cp.invite(email) }
        _ = try await cp.invite("invited-owner@acme.test", role: "owner")
        values["revocable-invitation"] = .string(try await cp.invite("revocable@acme.test").invitation)
        values["newcomer-code"] = .string(try await cp.invite("newcomer@acme.test").code)
        // The invited caller: invited to acme and to `other`, joined nowhere, with a password
        // from a superuser's reset code (an existing account, so it can sign in at all).
        ids["invited@acme.test"] = try await cp.invite("invited@acme.test").user
        values["invited-code"] = .string(try await cp.invite("invited@acme.test", org: "other").code)
        let invitedReset = try await cp.created(.post, "/v1/users/invited@acme.test/password-reset")
        let redeemed = try await cp.send(
            .post,
            "/v1/auth/password-reset",
            json: ["code": invitedReset["code"] as? String ?? "", "password": password],
            key: .some(nil)
        )
        try #require(redeemed.status == 204, "invited account's password: \(redeemed.text)")

        // OS access: enough scopes that every member and service account can get a token.
        let plain = try await cp.serviceAccount("plain")
        let broker = try await cp.serviceAccount("broker", broker: true)
        values["retired-service-account"] = .string(try await cp.serviceAccount("retired").id)
        values["client-id"] = .string(plain.clientID)
        values["client-secret"] = .string(plain.secret)
        for email in ["owner@acme.test", "admin@acme.test", "member@acme.test", "disabled@acme.test", "target@acme.test"] {
            try await cp.bind(["user": email], role: "os-viewer", os: "prod")
        }
        for account in [plain, broker] { try await cp.bind(["service_account": account.id], role: "os-viewer", os: "prod") }
        for email in ["outsider@other.test", "admin@other.test"] {
            try await cp.bind(["user": email], role: "os-viewer", os: "edge", org: "other")
        }
        values["binding"] = .string(try await cp.bind(["user": "target@acme.test"], role: "os-member", os: "keys"))
        values["grant"] = .string(try await cp.grant(["user": "target@acme.test"], "workflows:nightly:run"))
        try await cp.created(.post, "/v1/orgs/acme/roles", ["slug": "custom", "scopes": ["agents:read"]])
        try await cp.created(.post, "/v1/orgs/acme/roles", ["slug": "disposable", "scopes": ["agents:read"]])
        let disabled = try await cp.send(.patch, "/v1/orgs/acme/members/disabled@acme.test", json: ["disabled": true])
        try #require(disabled.status == 200, "disable: \(disabled.text)")

        // Two pending keys on `keys`: one to activate, one to revoke.
        for name in ["pending-kid", "revocable-kid"] {
            let key = try await cp.created(.post, "/v1/orgs/acme/os/keys/keys", ["activate": false])
            values[name] = .string(try #require(key["kid"] as? String, "no kid"))
        }
        let token = try await cp.created(.post, "/v1/orgs/acme/os/prod/tokens", ["subject": "target@acme.test"])
        values["target-token"] = .string(token["access_token"] as? String ?? "")
        values["spare-superuser-key"] = .string(try await cp.created(.post, "/v1/admin/keys", ["name": "spare"])["id"] as? String ?? "")
        let reset = try await cp.created(.post, "/v1/users/resettable@acme.test/password-reset")
        values["reset-code"] = .string(reset["code"] as? String ?? "")

        // A second factor's challenge and a recovery code, for the public completion of a sign-in.
        let mfaKey = try await cp.apiKey(forUser: try #require(ids["mfa@acme.test"]))
        let recovery = try await cp.enrolTOTP(key: mfaKey).recoveryCodes
        values["recovery-code"] = .string(try #require(recovery.first))
        let challenge = try await cp.login("mfa@acme.test", password)
        values["mfa-token"] = .string(try #require(challenge.json["mfa_token"] as? String, "no challenge: \(challenge.text)"))

        // Another user's session and API key (target's), which no caller may end.
        let targetSession = try await cp.session("target@acme.test", password)
        values["target-session"] = .string(try await cp.sessionIDs(key: targetSession).first ?? "")
        values["target-api-key"] = .string(
            try await cp.created(.post, "/v1/api-keys", ["name": "target's"], key: targetSession)["id"] as? String ?? ""
        )

        let credential = try await Self.credential(of: caller, cp, ids: ids, plain: plain.secret, broker: broker.secret)
        values.merge(try await Self.own(caller, credential: credential, cp, plain: plain.id, broker: broker.id)) { _, own in own }
        // An id or code that came back empty would turn a row's refusal into a false pass.
        for case (let name, .string(let text)) in values { try #require(!text.isEmpty, "<\(name)> is empty") }
        return MatrixFixture(caller: caller, credential: credential, values: values)
    }

    private static func credential(
        of caller: MatrixCaller,
        _ cp: ControlPlaneHarness,
        ids: [String: String],
        plain: String,
        broker: String
    ) async throws -> String? {
        switch caller.credential {
        case .none: return nil
        case .session: return try await cp.session(try #require(caller.email), AuthorizationMatrix.password)
        case .userAPIKey:
            let email = try #require(caller.email)
            return try await cp.apiKey(forUser: try #require(ids[email]))
        case .serviceAccount: return caller == .broker ? broker : plain
        case .superuserKey: return cp.adminKey
        }
    }

    /// The caller's own objects: a spare session and API key (people), and how the caller names
    /// itself as a subject. Callers without an account get ids nobody has.
    private static func own(
        _ caller: MatrixCaller,
        credential: String?,
        _ cp: ControlPlaneHarness,
        plain: String,
        broker: String
    ) async throws -> [String: MatrixJSON] {
        guard let email = caller.email, let credential else {
            let account = caller == .broker ? broker : plain
            let isServiceAccount = caller.credential == .serviceAccount
            return [
                "own-api-key": .string(UUID().uuidString.lowercased()),
                "own-session": .string(UUID().uuidString.lowercased()),
                "self-query": .string(isServiceAccount ? "service_account=\(account)" : "user=member@acme.test"),
                "self-subject": isServiceAccount ? ["service_account": .string(account)] : ["user": "member@acme.test"],
            ]
        }
        _ = try await cp.session(email, AuthorizationMatrix.password)
        let spare = try await cp.sessionIDs(key: credential, current: false)
        let key = try await cp.created(.post, "/v1/api-keys", ["name": "spare"], key: credential)
        return [
            "own-api-key": .string(key["id"] as? String ?? ""),
            "own-session": .string(try #require(spare.first, "no spare session")),
            "self-query": .string("user=\(email)"),
            "self-subject": ["user": .string(email)],
        ]
    }
}
