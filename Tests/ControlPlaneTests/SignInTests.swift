import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

@Suite("Sign-in, sessions and user API keys")
struct SignInTests {
    func setUp(_ cp: ControlPlaneHarness) async throws {
        try await cp.makeOrg()
        // A second organisation dana is not in, so "only my orgs" can fail.
        try await cp.makeOrg("globex")
        try await cp.addMember("dana@acme.test", role: "admin", password: "correct horse battery")
    }

    func login(_ cp: ControlPlaneHarness, _ email: String, _ password: String) async throws -> ControlPlaneHarness.Reply {
        try await cp.send(.post, "/v1/auth/login", json: ["email": email, "password": password], key: .some(nil))
    }

    @Test func sessionLifecycle() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await setUp(cp)
            let reply = try await login(cp, "DANA@acme.test", "correct horse battery")
            #expect(reply.status == 201, "\(reply.text)")
            let session = try #require(reply.json["token"] as? String)
            #expect(session.hasPrefix("cps_") && reply.json["expires_at"] is String)
            #expect(reply.headers[.cacheControl] == "no-store")
            // The session acts as dana (an admin of acme only).
            let orgs = try await cp.send(.get, "/v1/orgs", key: .some(session))
            #expect((orgs.json["organizations"] as? [[String: Any]])?.map { $0["slug"] as? String } == ["acme"])
            #expect(try await cp.send(.get, "/v1/orgs/acme/members", key: .some(session)).status == 200)
            // Stored hashed only.
            let stored = try await cp.database.query(
                "SELECT count(*) FROM sessions WHERE token_hash = \(StoredDigest.of(session))",
                logger: TestCluster.logger
            )
            #expect(try await stored.decode(Int.self).collect() == [1])
            // Expiry after 12 h.
            cp.clock.advance(12 * 3600 + 1)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(session), status: 401)
            cp.clock.advance(-(12 * 3600 + 1))
            // Logout ends it.
            #expect(try await cp.send(.post, "/v1/auth/logout", key: .some(session)).status == 204)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(session), status: 401)
            // Logout with an API key is a 400 (it ends sessions only).
            try await cp.expectRefused(.post, "/v1/auth/logout", status: 400, message: "sign-in session")
        }
    }

    @Test func failuresLookAlikeAndAreThrottled() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await setUp(cp)
            let unknown = try await login(cp, "nobody@acme.test", "whatever password")
            let wrong = try await login(cp, "dana@acme.test", "wrong password!")
            #expect(unknown.status == 401 && unknown.errorCode == "unauthorized" && wrong.status == 401, "\(unknown.text)")
            #expect(unknown.json["error"] as? [String: String] == wrong.json["error"] as? [String: String])
            for _ in 0..<8 {
                try await cp.expectRefusal(401, message: "email or password") { try await login(cp, "dana@acme.test", "wrong password!") }
            }
            // 10 failures from this client within the minute (the router test client has no peer
            // address, so all share one): even the right password is refused now, and no session is made.
            let limited = try await cp.expectRefusal(429) { try await login(cp, "dana@acme.test", "correct horse battery") }
            let retry = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retry))
            cp.clock.advance(61)
            #expect(try await login(cp, "dana@acme.test", "correct horse battery").status == 201)
            // Bad input.
            try await cp.expectRefused(.post, "/v1/auth/login", raw: "{\"email\":", key: .some(nil), status: 400, message: "JSON")
            try await cp.expectRefused(.post, "/v1/auth/login", json: ["email": "x"], key: .some(nil), status: 400, message: "password")
        }
    }

    /// A failed attempt: reserved, then recorded as a failure.
    static func fail(_ throttle: LoginThrottle, _ keys: [String], _ now: Date) {
        #expect(throttle.reserve(keys, now: now) == nil)
        throttle.finish(keys, .failed, now: now)
    }

    /// Whether an attempt is allowed now (a reserved one is given back unused).
    static func wait(_ throttle: LoginThrottle, _ keys: [String], _ now: Date) -> Int? {
        let wait = throttle.reserve(keys, now: now)
        if wait == nil { throttle.finish(keys, .succeeded, now: now) }
        return wait
    }

    @Test func throttlePerClientAddress() {
        let throttle = LoginThrottle(limit: 3, window: 60)
        let start = Date()
        for index in 0..<3 { Self.fail(throttle, ["email:e\(index)", "addr:10.0.0.1"], start) }
        #expect(Self.wait(throttle, ["email:fresh", "addr:10.0.0.1"], start.addingTimeInterval(1)) == 59)
        #expect(Self.wait(throttle, ["email:fresh", "addr:10.0.0.2"], start.addingTimeInterval(1)) == nil)
        #expect(Self.wait(throttle, ["email:fresh", "addr:10.0.0.1"], start.addingTimeInterval(61)) == nil)
        // Per email, whatever the address.
        for index in 0..<3 { Self.fail(throttle, ["email:target", "addr:10.1.0.\(index)"], start) }
        #expect(Self.wait(throttle, ["email:target", "addr:10.2.0.1"], start.addingTimeInterval(30)) == 30)
        // A success clears the email's count (not the address's).
        throttle.finish(["email:target"], .succeeded, resetting: ["email:target"], now: start.addingTimeInterval(30))
        #expect(Self.wait(throttle, ["email:target", "addr:10.2.0.1"], start.addingTimeInterval(30)) == nil)
    }

    @Test func throttleReservesBeforeTheCheckAndStaysBounded() {
        let throttle = LoginThrottle(limit: 10, window: 60, capacity: 16)
        let now = Date()
        // 40 attempts in flight at once: 10 reserved, 30 refused before any is evaluated.
        let waits = (0..<40).map { _ in throttle.reserve(["email:burst"], now: now) }
        #expect(waits.filter { $0 == nil }.count == 10 && waits.compactMap { $0 }.allSatisfy { $0 >= 1 })
        for _ in 0..<10 { throttle.finish(["email:burst"], .failed, now: now) }
        #expect(throttle.reserve(["email:burst"], now: now.addingTimeInterval(1)) == 59)
        // A spray of other keys never grows the table past its capacity, and evicts idle keys
        // one at a time instead of flushing the table: a key with an attempt in flight stays.
        #expect(throttle.reserve(["email:held"], now: now) == nil)
        for index in 0..<1_000 { Self.fail(throttle, ["addr:10.9.\(index / 256).\(index % 256)"], now) }
        #expect(throttle.count <= 16)
        throttle.finish(["email:held"], .failed, now: now)
        let held = (0..<9).map { _ in throttle.reserve(["email:held"], now: now) }
        #expect(held.allSatisfy { $0 == nil }, "the in-flight key kept its failure: 1 + 9 = the limit")
        #expect(throttle.reserve(["email:held"], now: now) != nil)
    }

    @Test func apiKeysActAsTheirOwner() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await setUp(cp)
            try await cp.addMember("erin@acme.test", role: "member", password: "erin's long password")
            let session = try #require(try await login(cp, "erin@acme.test", "erin's long password").json["token"] as? String)
            let created = try await cp.send(.post, "/v1/api-keys", json: ["name": "laptop", "expires_in_days": 30], key: .some(session))
            #expect(created.status == 201 && created.headers[.cacheControl] == "no-store", "\(created.text)")
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? String)
            let listed = try await cp.send(.get, "/v1/api-keys", key: .some(key))
            let keys = listed.json["api_keys"] as? [[String: Any]] ?? []
            #expect(keys.count == 1 && keys[0]["key"] == nil && !listed.text.contains(key))
            // A member's key cannot do admin things.
            let role = ["slug": "x", "scopes": ["agents:read"]] as [String: Any]
            try await cp.expectRefused(.post, "/v1/orgs/acme/roles", json: role, key: .some(key), status: 403, message: "needs admin")
            #expect(try await cp.send(.get, "/v1/orgs/acme/os", key: .some(key)).status == 200)
            // Someone else cannot delete it; the owner can, and then it is dead.
            let dana = try #require(try await login(cp, "dana@acme.test", "correct horse battery").json["token"] as? String)
            try await cp.expectRefused(.delete, "/v1/api-keys/\(id)", key: .some(dana), status: 404, message: id.lowercased())
            #expect(try await cp.send(.delete, "/v1/api-keys/\(id)", key: .some(session)).status == 204)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(key), status: 401)
            // Expiry and bounds.
            let never = ["name": "x", "expires_in_days": 0] as [String: Any]
            try await cp.expectRefused(
                .post,
                "/v1/api-keys",
                json: never,
                key: .some(session),
                status: 400,
                message: "expires_in_days must be 1-3650"
            )
            try await cp.expectRefused(.post, "/v1/api-keys", json: ["name": "su"], status: 400, message: "API keys belong to users")
            let shortLived = try #require(
                try await cp.send(.post, "/v1/api-keys", json: ["name": "day", "expires_in_days": 1], key: .some(session)).json["key"]
                    as? String
            )
            cp.clock.advance(86_401)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(shortLived), status: 401)
        }
    }

    @Test func passwordRulesAndNoAdminSetPasswords() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await setUp(cp)
            try await cp.makeOrg("other")
            // Only the account itself ever sets its password (docs/access.md, member lifecycle): a
            // password in member add is a 400 naming it, and nothing is created.
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/members",
                json: ["email": "f@acme.test", "name": "F", "role": "member", "password": "a long password"],
                status: 400,
                message: "password is not accepted"
            )
            let users = try await cp.database.query("SELECT count(*) FROM users WHERE email = 'f@acme.test'", logger: TestCluster.logger)
            #expect(try await users.decode(Int.self).collect() == [0])
            // Another org's admin cannot set dana's password by adding her: refused the same way,
            // and adding her without one only invites her.
            try await cp.expectRefused(
                .post,
                "/v1/orgs/other/members",
                json: ["email": "dana@acme.test", "name": "D", "role": "member", "password": "hijacked password"],
                status: 400,
                message: "password is not accepted"
            )
            try await cp.expectRefusal(401, message: "email or password") { try await login(cp, "dana@acme.test", "hijacked password") }
            #expect(try await login(cp, "dana@acme.test", "correct horse battery").status == 201)
            // No password hash is ever in a response.
            let members = try await cp.send(.get, "/v1/orgs/acme/members")
            #expect(!members.text.contains("$2b$") && !members.text.contains("password"))
        }
    }
}
