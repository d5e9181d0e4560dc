import AgentOSAuth
import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Every list operation pages (docs/api.md, "Lists page"; threat model: docs/security.md, "Lists
/// page"). The expected orders come from what each test created and the documented sort key, not
/// from the code under test.
@Suite("List pages")
struct ListPagingTests {
    /// Walks a list `limit` items at a time; every page holds at most `limit`, only the last one
    /// lacks `next_cursor`.
    static func walk(_ cp: ControlPlaneHarness, _ path: String, _ key: String, limit: Int, apiKey: String? = nil) async throws
        -> [[String: Any]]
    {
        var items: [[String: Any]] = []
        var cursor: String?
        var pages = 0
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let query = "\(separator)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let reply = try await cp.send(.get, path + query, key: apiKey.map { .some($0) } ?? .none)
            try #require(reply.status == 200, "\(path): \(reply.text)")
            let page = try #require(reply.json[key] as? [[String: Any]], "\(path): \(reply.text)")
            #expect(page.count <= limit && (page.count == limit || reply.json["next_cursor"] == nil), "\(path) page \(pages)")
            items += page
            cursor = reply.json["next_cursor"] as? String
            pages += 1
            try #require(pages <= 100, "\(path): paging does not end")
        } while cursor != nil
        let expectedPages = max(1, (items.count + limit - 1) / limit)
        #expect(pages == expectedPages, "\(path): \(pages) pages for \(items.count) items of \(limit)")
        return items
    }

    /// The text under `key` of each item, in order.
    static func strings(_ items: [[String: Any]], _ key: String) -> [String] {
        var found: [String] = []
        for item in items {
            if let value = item[key] as? String { found.append(value) }
        }
        return found
    }

    @Test func pagesWalkEveryListOnceInItsOrder() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            for org in ["acme", "zeta-org", "b-org", "m-org"] { try await cp.makeOrg(org) }
            let emails = [
                "Dora@acme.test", "alice@acme.test", "Carl@acme.test", "bob@acme.test", "eve@acme.test", "Frank@acme.test", "gus@acme.test",
            ]
            var users: [String: String] = [:]
            for email in emails { users[email] = try await cp.addMember(email, join: false) }
            for os in ["os-c", "os-a", "os-e", "os-b", "os-d"] { try await cp.makeOS(os, algorithm: "EdDSA") }
            var accounts: [String] = []
            for name in ["sa-3", "sa-1", "sa-2", "sa-5", "sa-4"] { accounts.append(try await cp.serviceAccount(name).id) }
            var bindings: [String] = []
            var grants: [String] = []
            for email in emails {
                bindings.append(try await cp.bind(["user": users[email]!], role: "os-viewer"))
                grants.append(try await cp.grant(["user": users[email]!], "agents:web-agent:run", os: "os-a"))
            }
            for (slug, name) in [("zeta", "Zeta"), ("alpha", "Alpha"), ("mid", "Mid")] {
                let reply = try await cp.send(.post, "/v1/orgs/acme/roles", json: ["slug": slug, "name": name, "scopes": ["agents:read"]])
                #expect(reply.status == 201, "\(reply.text)")
            }

            for limit in [2, 3, 7] {
                let members = try await Self.walk(cp, "/v1/orgs/acme/members", "members", limit: limit)
                #expect(
                    members.compactMap { ($0["user"] as? [String: Any])?["email"] as? String }
                        == emails.sorted { $0.lowercased() < $1.lowercased() }
                )
                let invitations = try await Self.walk(cp, "/v1/orgs/acme/invitations", "invitations", limit: limit)
                #expect(invitations.compactMap { ($0["user"] as? [String: Any])?["email"] as? String } == emails.reversed(), "newest first")
                let oses = try await Self.walk(cp, "/v1/orgs/acme/os", "os", limit: limit)
                #expect(oses.compactMap { $0["id"] as? String } == ["os-a", "os-b", "os-c", "os-d", "os-e"])
                let serviceAccounts = try await Self.walk(cp, "/v1/orgs/acme/service-accounts", "service_accounts", limit: limit)
                #expect(serviceAccounts.compactMap { $0["id"] as? String } == accounts, "oldest first")
                let bindingIDs = Self.strings(try await Self.walk(cp, "/v1/orgs/acme/role-bindings", "role_bindings", limit: limit), "id")
                #expect(bindingIDs == bindings, "oldest first")
                let grantIDs = Self.strings(try await Self.walk(cp, "/v1/orgs/acme/os/os-a/grants", "grants", limit: limit), "id")
                #expect(grantIDs == grants, "oldest first")
                let roles = try await Self.walk(cp, "/v1/orgs/acme/roles", "roles", limit: limit)
                let builtin = roles.filter { $0["builtin"] as? Bool == true }.compactMap { $0["slug"] as? String }
                #expect(!builtin.isEmpty && roles.compactMap { $0["slug"] as? String } == builtin.sorted() + ["alpha", "mid", "zeta"])
                let orgs = try await Self.walk(cp, "/v1/orgs", "organizations", limit: limit)
                #expect(orgs.compactMap { $0["slug"] as? String } == ["acme", "b-org", "m-org", "zeta-org"])
            }
            // Without a limit: the default page (100) holds these short lists whole.
            let whole = try await cp.send(.get, "/v1/orgs/acme/members")
            #expect((whole.json["members"] as? [Any])?.count == emails.count && whole.json["next_cursor"] == nil)
        }
    }

    /// The lists of one account or one OS page the same way: API keys, sessions and superuser keys
    /// oldest first, an OS's signing keys newest first.
    @Test func accountAndKeyListsPage() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("os-a", algorithm: "EdDSA")
            try await cp.addMember("pat@acme.test", password: "correct horse battery")
            var sessions: [String] = []
            for _ in 0..<5 {
                let login = try await cp.send(
                    .post,
                    "/v1/auth/login",
                    json: ["email": "pat@acme.test", "password": "correct horse battery"],
                    key: .some(nil)
                )
                sessions.append(try #require(login.json["token"] as? String, "\(login.text)"))
            }
            let session = sessions[0]
            var apiKeys: [String] = []
            var superuserKeys: [String] = Self.strings(try await Self.walk(cp, "/v1/admin/keys", "keys", limit: 500), "id")
            var signingKeys: [String] = Self.strings(try await Self.walk(cp, "/v1/orgs/acme/os/os-a/keys", "keys", limit: 500), "kid")
            for index in 0..<5 {
                let key = try await cp.send(.post, "/v1/api-keys", json: ["name": "k\(index)"], key: .some(session))
                apiKeys.append(try #require(key.json["id"] as? String, "\(key.text)"))
                let admin = try await cp.send(.post, "/v1/admin/keys", json: ["name": "ops\(index)"])
                superuserKeys.append(try #require(admin.json["id"] as? String, "\(admin.text)"))
                let signing = try await cp.send(.post, "/v1/orgs/acme/os/os-a/keys", json: [:])
                signingKeys.insert(try #require(signing.json["kid"] as? String, "\(signing.text)"), at: 0)
            }
            for limit in [2, 3] {
                #expect(Self.strings(try await Self.walk(cp, "/v1/api-keys", "api_keys", limit: limit, apiKey: session), "id") == apiKeys)
                // Every session of the account, each once: the five sign-ins and the one its
                // invitation's redemption opened.
                let live = Self.strings(try await Self.walk(cp, "/v1/me/sessions", "sessions", limit: limit, apiKey: session), "id")
                #expect(live.count == sessions.count + 1 && Set(live).count == live.count, "\(live)")
                #expect(Self.strings(try await Self.walk(cp, "/v1/admin/keys", "keys", limit: limit), "id") == superuserKeys)
                let kids = Self.strings(try await Self.walk(cp, "/v1/orgs/acme/os/os-a/keys", "keys", limit: limit), "kid")
                #expect(kids == signingKeys, "newest first")
            }
        }
    }

    /// Emails beyond ASCII: the cursor named a position lowered by Swift (`Ä` → `ä`, the Kelvin
    /// sign → `k`) while the database lowered only ASCII, so a page after `ÄRGER` hid every later
    /// member and a Kelvin-sign email made the walk repeat forever (the attack on issue #30).
    @Test func emailsBeyondASCIIAreEachSeenOnce() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let emails = [
                "aaa@acme.test", "ÄRGER@acme.test", "ÖZIL@acme.test", "zzz@acme.test", "\u{212A}@acme.test", "\u{212A}\u{212A}@acme.test",
                "k@acme.test", "Émile@acme.test",
            ]
            for email in emails { try await cp.addMember(email, join: false) }
            for limit in 1...4 {
                let walked = try await Self.walk(cp, "/v1/orgs/acme/members", "members", limit: limit)
                let seen = walked.compactMap { ($0["user"] as? [String: Any])?["email"] as? String }
                #expect(seen.count == emails.count && Set(seen) == Set(emails), "limit \(limit): \(seen)")
            }
        }
    }

    @Test func concurrentChangesNeitherRepeatNorSkip() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            var ids: [String: String] = [:]
            for name in ["b", "c", "d", "e", "f", "g", "h", "i"] { ids[name] = try await cp.addMember("\(name)@acme.test", join: false) }
            let first = try await cp.send(.get, "/v1/orgs/acme/members?limit=3")
            let cursor = try #require(first.json["next_cursor"] as? String)
            // Between pages: one added behind the cursor, one ahead, one ahead removed.
            try await cp.addMember("a@acme.test", join: false)
            try await cp.addMember("z@acme.test", join: false)
            #expect(try await cp.send(.delete, "/v1/orgs/acme/members/\(ids["f"]!)").status == 204)
            var seen = (first.json["members"] as? [[String: Any]] ?? []).compactMap { ($0["user"] as? [String: Any])?["email"] as? String }
            var next: String? = cursor
            while let page = next {
                let reply = try await cp.send(.get, "/v1/orgs/acme/members?limit=3&cursor=\(page)")
                seen += (reply.json["members"] as? [[String: Any]] ?? []).compactMap { ($0["user"] as? [String: Any])?["email"] as? String }
                next = reply.json["next_cursor"] as? String
            }
            #expect(seen == ["b", "c", "d", "e", "g", "h", "i", "z"].map { "\($0)@acme.test" })
        }
    }

    @Test func aCursorNeverCrossesOrganisations() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOrg("globex")
            for name in ["a", "c", "e"] { try await cp.addMember("\(name)@acme.test", join: false) }
            for name in ["b", "d"] { try await cp.addMember("\(name)@globex.test", org: "globex", join: false) }
            let page = try await cp.send(.get, "/v1/orgs/acme/members?limit=1")
            let cursor = try #require(page.json["next_cursor"] as? String)
            // acme's cursor on globex's list: a position only, globex's rows after "a@acme.test".
            let other = try await cp.send(.get, "/v1/orgs/globex/members?limit=10&cursor=\(cursor)")
            let emails = (other.json["members"] as? [[String: Any]] ?? []).compactMap {
                ($0["user"] as? [String: Any])?["email"] as? String
            }
            #expect(other.status == 200 && emails == ["b@globex.test", "d@globex.test"], "\(other.text)")
            // A member of globex with acme's cursor on acme's list: acme stays unknown to them.
            let outsider = try await cp.apiKey(forUser: try await cp.addMember("x@globex.test", org: "globex"))
            let refused = try await cp.send(.get, "/v1/orgs/acme/members?limit=10&cursor=\(cursor)", key: .some(outsider))
            #expect(refused.status == 404 && refused.errorCode == "not_found", "\(refused.text)")
            // The cursor of one list on another is no cursor there.
            let wrongList = try await cp.send(.get, "/v1/orgs/acme/os?cursor=\(cursor)")
            #expect(wrongList.status == 400 && wrongList.text.contains("cursor is not one of this list's"), "\(wrongList.text)")
        }
    }

    @Test func pagingKeepsTheListsPermission() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for name in ["a", "b", "c"] { try await cp.addMember("\(name)@acme.test", join: false) }
            let cursor = try #require(try await cp.send(.get, "/v1/orgs/acme/members?limit=1").json["next_cursor"] as? String)
            let member = try await cp.apiKey(forUser: try await cp.addMember("m@acme.test"))
            for path in [
                "/v1/orgs/acme/members?limit=1", "/v1/orgs/acme/members?limit=1&cursor=\(cursor)", "/v1/orgs/acme/service-accounts?limit=1",
            ] {
                let reply = try await cp.send(.get, path, key: .some(member))
                #expect(reply.status == 403 && reply.errorCode == "forbidden", "\(path): \(reply.text)")
            }
        }
    }

    @Test func hostileLimitsAndCursorsAre400() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for name in ["a", "b"] { try await cp.addMember("\(name)@acme.test", join: false) }
            func cursor(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }
            let sep = "\u{1F}"
            let refusals: [(query: String, path: String, message: String)] = [
                ("limit=0", "members", "limit must be 1-500"),
                ("limit=501", "members", "limit must be 1-500"),
                ("limit=-1", "members", "limit must be 1-500"),
                ("limit=abc", "members", "limit must be 1-500"),
                ("limit=1.5", "os", "limit must be 1-500"),
                ("cursor=", "members", "cursor must be 1-1024 characters"),
                ("cursor=\(String(repeating: "A", count: 1025))", "members", "cursor must be 1-1024 characters"),
                ("cursor=!!!", "members", "cursor is not a cursor"),
                ("cursor=\(cursor("m"))", "members", "cursor is not one of this list's"),
                ("cursor=\(cursor("x\(sep)a"))", "members", "cursor is not one of this list's"),
                ("cursor=\(cursor("m\(sep)a\(sep)b"))", "members", "cursor is not one of this list's"),
                ("cursor=\(cursor("m\(sep)a\u{0}b"))", "members", "cursor is not a cursor"),
                ("cursor=\(cursor("b\(sep)soon\(sep)\(UUID().uuidString)"))", "role-bindings", "cursor is not one of this list's"),
                ("cursor=\(cursor("b\(sep)12\(sep)not-an-id"))", "role-bindings", "cursor is not one of this list's"),
                ("cursor=\(cursor("r\(sep)2\(sep)alpha"))", "roles", "cursor is not one of this list's"),
                // Times PostgreSQL cannot hold were a 500 (the attack on issue #30), signs too.
                (
                    "cursor=\(cursor("b\(sep)9223372036854775807\(sep)\(UUID().uuidString)"))", "role-bindings",
                    "cursor is not one of this list's"
                ),
                (
                    "cursor=\(cursor("b\(sep)-9223372036854775807\(sep)\(UUID().uuidString)"))", "role-bindings",
                    "cursor is not one of this list's"
                ),
                ("cursor=\(cursor("b\(sep)+5\(sep)\(UUID().uuidString)"))", "role-bindings", "cursor is not one of this list's"),
                (
                    "cursor=\(cursor("i\(sep)253402300800000000\(sep)\(UUID().uuidString)"))", "invitations",
                    "cursor is not one of this list's"
                ),
            ]
            for refusal in refusals {
                let reply = try await cp.send(.get, "/v1/orgs/acme/\(refusal.path)?\(refusal.query)")
                #expect(reply.status == 400 && reply.errorCode == "invalid_request", "\(refusal.query): \(reply.text)")
                #expect(reply.text.contains(refusal.message), "\(refusal.query): \(reply.text)")
            }
            // Quotes and SQL in a well-formed cursor are a position like any other: every email
            // sorts after "'", so this is the first page; nothing else happens.
            let injected = try await cp.send(.get, "/v1/orgs/acme/members?cursor=\(cursor("m\(sep)' OR 1=1; DROP TABLE users; --"))")
            #expect(injected.status == 200 && (injected.json["members"] as? [Any])?.count == 2, "\(injected.text)")
            #expect((try await cp.send(.get, "/v1/orgs/acme/members").json["members"] as? [Any])?.count == 2)
        }
    }
}
