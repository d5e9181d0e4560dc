import AgentOSAuth
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

/// docs/security.md's attacks F2–F4, F6, F8 and F9 and the replica fence's path test (F10), each
/// checked at the layer where it was possible (section 4 there names the invariant each breaks).
@Suite("Security regressions (docs/security.md, section 4)")
struct SecurityRegressionTests {
    /// Findings 2 and 4: a member changed the URL the console sends tokens to, and ended the
    /// key-rotation schedule. Changing an OS is an admin's, and audited.
    @Test func onlyAdminsChangeAnOS() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            try await cp.makeOS()
            let member = try await cp.apiKey(forUser: try await cp.addMember("mia@acme.test"))
            let admin = try await cp.apiKey(forUser: try await cp.addMember("ada@acme.test", role: "admin"))
            let changes: [[String: Any]] = [
                ["url": "https://member-runs-this.example"], ["rotation_period": NSNull()], ["name": "Renamed"],
            ]
            for change in changes {
                try await cp.expectRefused(
                    .patch,
                    "/v1/orgs/acme/os/prod",
                    json: change,
                    key: .some(member),
                    status: 403,
                    message: "needs admin"
                )
            }
            let mine = ["id": "mine", "name": "Mine"]
            try await cp.expectRefused(.post, "/v1/orgs/acme/os", json: mine, key: .some(member), status: 403, message: "needs admin")
            let os = try await cp.send(.get, "/v1/orgs/acme/os/prod", key: .some(member))
            #expect(os.status == 200 && !(os.json["url"] is String), "unchanged: \(os.text)")

            let changed = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["url": "https://prod.acme.example"], key: .some(admin))
            #expect(changed.status == 200 && changed.json["url"] as? String == "https://prod.acme.example", "\(changed.text)")
            let events = try await cp.send(.get, "/v1/orgs/acme/audit").json["events"] as? [[String: Any]] ?? []
            let updated = events.first { $0["action"] as? String == "os.updated" }
            #expect((updated?["details"] as? [String: Any])?["url"] as? String == "https://prod.acme.example", "\(events)")
        }
    }

    /// Finding 3: the public status list was a valid access token. It is signed with a key of its
    /// own, absent from the access-token JWKS, and the verifier refuses it even with audience
    /// checks off.
    @Test func theStatusListIsNoAccessToken() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            let pem = try await cp.makeOS()
            let list = try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list", key: .some(nil))
            #expect(list.status == 200)
            let listKeys = try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list/jwks.json", key: .some(nil))
            let listKids = (listKeys.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            let accessKids =
                (try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil)).json["keys"] as? [[String: Any]] ?? [])
                .compactMap { $0["kid"] as? String }
            #expect(listKids.count == 1 && accessKids.count == 1 && Set(listKids).isDisjoint(with: accessKids), "\(listKids) \(accessKids)")
            let header = try #require(Self.header(list.text))
            #expect(header["typ"] as? String == "statuslist+jwt" && header["kid"] as? String == listKids.first, "\(header)")
            #expect(header["alg"] as? String == "ES256" && header["crit"] == nil)

            // Stock-Agno-like settings on our verifier: the OS's PEM, no audience check.
            let gate = try AuthGate(
                configuration: try AgentOSAuthConfiguration(environment: [
                    "JWT_VERIFICATION_KEY": pem, "AGENT_OS_ID": "prod", "AGENTOS_AUTH_VERIFY_AUDIENCE": "false",
                ]),
                onEvent: { _ in }
            )
            guard case .denied(let error) = await gate.decide(method: "GET", path: "/config", authorization: "Bearer \(list.text)") else {
                Issue.record("the status list passed as an access token")
                return
            }
            #expect(error.status == 401 && error.message == "Invalid token: typ 'statuslist+jwt' is not an access token's", "\(error)")
            // And issued access tokens never carry crit.
            try await cp.bind(["user": try await cp.addMember("alice@acme.test")], role: "os-viewer")
            let token = try #require(try await cp.token(["subject": "alice@acme.test"]).json["access_token"] as? String)
            #expect(Set(try #require(Self.header(token)).keys) == ["alg", "kid", "typ"])
        }
    }

    /// Finding 6: deleting an organisation hid its trail. The deletion is in the system chain,
    /// with the old chain's id and head, and the old chain stays readable and verifiable.
    @Test func aDeletedOrganisationsTrailStaysReadable() async throws {
        try await ControlPlaneHarness.run { cp in
            let created = try await cp.makeOrg()
            let id = try #require(created.json["id"] as? String)
            try await cp.makeOS()
            #expect(try await cp.send(.delete, "/v1/orgs/acme").status == 204)
            try await cp.makeOrg()  // the slug is taken again

            let system = try await cp.send(.get, "/v1/audit").json["events"] as? [[String: Any]] ?? []
            let deletion = try #require(system.first { $0["action"] as? String == "org.deleted" }, "\(system)")
            let details = deletion["details"] as? [String: Any] ?? [:]
            #expect(details["org_id"] as? String == id && deletion["target"] as? String == "org:acme", "\(deletion)")
            let old = try await cp.send(.get, "/v1/audit?org=\(id)").json["events"] as? [[String: Any]] ?? []
            #expect(old.compactMap { $0["action"] as? String }.contains("os.registered"), "\(old)")
            #expect(old.first?["action"] as? String == "org.deleted", "newest first: \(old.first ?? [:])")
            let verified = try await cp.send(.get, "/v1/audit/verify?org=\(id)&expect_head=\(details["head"] as? String ?? "")")
            #expect(verified.json["verified"] as? Bool == true, "\(verified.text)")
            // Superuser only; a bad id is a 400 naming it.
            let member = try await cp.apiKey(forUser: try await cp.addMember("mia@acme.test", role: "owner"))
            try await cp.expectRefused(.get, "/v1/audit?org=\(id)", key: .some(member), status: 403, message: "superuser")
            try await cp.expectRefused(.get, "/v1/audit?org=acme", status: 400, message: "org must be an organisation id")
        }
    }

    /// Finding 8: answers with personal data were cacheable. Every API answer is `no-store` and
    /// varies on the credential, errors included; the public documents keep their own caching.
    @Test func apiAnswersAreNeverCached() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            try await cp.makeOS()
            let user = try await cp.apiKey(forUser: try await cp.addMember("ada@acme.test", role: "admin"))
            // `//v1/me` is routed like `/v1/me`: the rule keys on the answer, not on the spelling.
            for path in ["/v1/me", "//v1/me", "/v1/orgs/acme/members", "/v1/me/sessions", "/v1/orgs/acme/audit", "/v1/orgs/nope"] {
                let reply = try await cp.send(.get, path, key: .some(user))
                #expect(reply.headers[.cacheControl] == "no-store", "\(path): \(reply.headers)")
                #expect(reply.headers[.vary] == "Authorization, Cookie", "\(path): \(reply.headers)")
            }
            let jwks = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            #expect(jwks.headers[.cacheControl] == "public, max-age=300")
            let oauth = try await cp.send(.post, "/oauth/token", form: "grant_type=client_credentials", key: .some(nil))
            #expect(oauth.status == 401 && oauth.headers[.cacheControl] == "no-store" && oauth.headers[.vary] == "Authorization, Cookie")
        }
    }

    /// Finding 9: `/metrics` listed every organisation and OS to anyone.
    @Test func metricsNameNoTenant() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg("secret-org")
            try await cp.makeOS("hidden-os", org: "secret-org")
            try await cp.bind(["user": try await cp.addMember("a@s.test", org: "secret-org")], role: "os-viewer", org: "secret-org")
            #expect(try await cp.token(["subject": "a@s.test"], os: "hidden-os", org: "secret-org").status == 201)
            let metrics = try await cp.send(.get, "/metrics", key: .some(nil)).text
            #expect(!metrics.contains("secret-org") && !metrics.contains("hidden-os"), "\(metrics)")
            #expect(metrics.contains("controlplane_oses_without_active_key 0"), "\(metrics)")
        }
    }

    /// Hostile text wherever a caller can put it: an OS's URL (shown by the console as where
    /// tokens go) with control, format or lookalike characters; a token's `session_id` carrying ESC
    /// into the JWT; a NUL in any text (a 500 otherwise). Each is a 400 naming the problem, and
    /// nothing changes.
    @Test func hostileTextIsRefusedEverywhereItWasAccepted() async throws {
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            try await cp.makeOS()
            for url in ["http://h/\u{1B}[2J", "http://h/\u{202E}x", "http://ex\u{200B}ample.com/", "http://h/ x", "http://bücher.example/"]
            {
                let register = ["id": "u", "name": "U", "url": url]
                try await cp.expectRefused(
                    .post,
                    "/v1/orgs/acme/os",
                    json: register,
                    status: 400,
                    message: "url must be printable ASCII",
                    note: "\(url): "
                )
                try await cp.expectRefused(
                    .patch,
                    "/v1/orgs/acme/os/prod",
                    json: ["url": url],
                    status: 400,
                    message: "url must be printable ASCII",
                    note: "\(url): "
                )
            }
            #expect(!(try await cp.send(.get, "/v1/orgs/acme/os/prod").json["url"] is String))
            try await cp.bind(["user": try await cp.addMember("alice@acme.test")], role: "os-viewer")
            try await cp.expectRefusal(400, message: "session_id must not contain control") {
                try await cp.token(["subject": "alice@acme.test", "session_id": "chat\u{1B}]52;c;eA==\u{07}"])
            }
            let nul = ["email": "a\u{0}@acme.test", "password": "x"]
            try await cp.expectRefused(.post, "/v1/auth/login", json: nul, key: .some(nil), status: 400, message: "NUL")
            try await cp.expectRefused(.patch, "/v1/orgs/acme/members/a%00b", json: ["role": "member"], status: 400, message: "NUL")
        }
    }

    /// The replica fence skipped any request whose path ended in `/tokens`.
    @Test(arguments: [
        ("POST", "/v1/orgs/acme/os/prod/tokens", false), ("POST", "/oauth/token", false),
        ("DELETE", "/v1/orgs/tokens", true), ("DELETE", "/v1/orgs/acme/roles/tokens", true),
        ("POST", "/v1/orgs/acme/os/tokens/keys", true), ("PATCH", "/v1/orgs/acme/os/tokens", true),
        ("DELETE", "/v1/orgs/acme/os/prod/tokens", true), ("POST", "/v1/orgs/acme/os/prod/tokens/x", true),
        ("GET", "/v1/orgs/acme/members", false),
    ])
    func theFenceCoversEveryChange(method: String, path: String, changes: Bool) throws {
        let request = Request(
            head: .init(method: .init(method)!, scheme: "http", authority: "cp", path: path),
            body: .init(buffer: .init())
        )
        #expect(ChangeFenceMiddleware<APIRequestContext>.mayChange(request) == changes, "\(method) \(path)")
    }

    static func header(_ token: String) -> [String: Any]? {
        guard let first = token.split(separator: ".").first, let data = Base64URL.decode(first) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]
    }
}
