import Foundation
import PostgresNIO
import Testing

extension SystemTests {
    /// Each replica caches what the token path reads (API keys, client rows, issuance rows) until a
    /// change notification (migration 0009, `ChangeFeed`): what one replica changes, the other
    /// honours on its very next request (docs/decisions.md, "Invalidating the token path's caches").
    @Suite("Token-path caches across replicas")
    struct CacheInvalidationReplicaTests {
        static let org = "/v1/orgs/acme"

        /// A token for `subject` (alice unless named) on `prod`, asked once of the replica at `base` with `key`.
        static func aliceToken(_ base: String, key: String, subject: String = "alice@acme.test") async throws -> HTTP.Reply {
            try await HTTP.send("POST", base + org + "/os/prod/tokens", bearer: key, json: ["subject": subject])
        }

        /// An active member invited and accepted through `base`, granted `agents:web-agent:run` on
        /// `prod`: returns the user id and the grant id.
        static func member(_ email: String, at base: String, admin: String) async throws -> (user: String, grant: String) {
            let invited = try await HTTP.send(
                "POST",
                base + org + "/members",
                bearer: admin,
                json: ["email": email, "name": email, "role": "member"]
            )
            let user = try #require((invited.json["user"] as? [String: Any])?["id"] as? String, "\(invited.text)")
            let code = try #require((invited.json["invitation"] as? [String: Any])?["code"] as? String, "\(invited.text)")
            let accepted = try await HTTP.send(
                "POST",
                base + "/v1/invitations/accept",
                json: ["code": code, "name": email, "password": "correct horse battery staple"]
            )
            #expect((200...201).contains(accepted.status), "\(accepted.text)")
            return (user, try await grant(user, at: base, admin: admin))
        }

        static func grant(_ user: String, at base: String, admin: String) async throws -> String {
            let reply = try await HTTP.send(
                "POST",
                base + org + "/os/prod/grants",
                bearer: admin,
                json: ["subject": ["user": user], "scope": "agents:web-agent:run"]
            )
            return try #require(reply.json["id"] as? String, "\(reply.text)")
        }

        static func scopes(_ reply: HTTP.Reply) -> [String] { reply.json["scopes"] as? [String] ?? [] }

        static func clientCredentials(_ base: String, id: String, secret: String) async throws -> HTTP.Reply {
            try await HTTP.send(
                "POST",
                base + "/oauth/token",
                form: "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)&audience=acme%2Fprod"
            )
        }

        /// Sets a membership `disabled` with triggers off: no replica is told.
        static func silentlySetDisabled(_ disabled: Bool, user: String, _ postgres: PostgresClient) async throws {
            try await postgres.withTransaction(logger: TestCluster.logger) { connection in
                try await connection.query("SET LOCAL session_replication_role = replica", logger: TestCluster.logger)
                try await connection.query(
                    "UPDATE org_members SET disabled = \(disabled) WHERE user_id = \(UUID(uuidString: user)!)",
                    logger: TestCluster.logger
                )
            }
        }

        /// Waits (30 s at most) until both replicas are ready and B answers from its caches: the
        /// probe member disabled behind B's back still gets a token there. A replica caches only from
        /// two hello intervals after it listens (`ChangeFeed.warmUp`), once every other replica waits
        /// for it in its fences; before that, the checks below would pass with no cache at all. The
        /// probe is a member of its own: if B starts caching between a probe's two requests it caches
        /// the probe disabled, which the silent re-enable never clears, so a `NOTIFY` (which drops
        /// every cached row) follows each failed probe, and no assertion below reads the probe.
        static func waitUntilCaching(_ replicas: [String], probe: String, admin: String, _ postgres: PostgresClient) async throws
            -> Bool
        {
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(30) {
                var ready = true
                for base in replicas { ready = try await HTTP.send("GET", base + "/ready").status == 200 && ready }
                if ready, try await aliceToken(replicas[1], key: admin, subject: "probe@acme.test").status == 201 {
                    try await silentlySetDisabled(true, user: probe, postgres)
                    let cached = try await aliceToken(replicas[1], key: admin, subject: "probe@acme.test").status == 201
                    try await silentlySetDisabled(false, user: probe, postgres)
                    if cached { return true }
                    try await postgres.query("NOTIFY controlplane_changes", logger: TestCluster.logger)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            return false
        }

        @Test
        func whatOneReplicaChangesTheOtherHonoursOnItsNextRequest() async throws {
            try await ReplicaFaultTests.withReplicas { replicas, _, admin, _, postgres in
                let (a, b) = (replicas[0].url, replicas[1].url)
                // Alice, a member with one grant, a probe member, and a second superuser key: all made through A.
                let made = try await Self.member("alice@acme.test", at: a, admin: admin)
                let alice = made.user
                var grantID = made.grant
                let probe = try await Self.member("probe@acme.test", at: a, admin: admin).user
                let created = try await HTTP.send("POST", a + "/v1/admin/keys", bearer: admin, json: ["name": "broker"])
                let key = try #require(created.json["key"] as? String, "\(created.text)")
                let keyID = try #require(created.json["id"] as? String, "\(created.text)")

                #expect(try await Self.waitUntilCaching([a, b], probe: probe, admin: admin, postgres), "B never served from its caches")
                // B answers twice from what it read (the second from its caches).
                for _ in 0..<2 {
                    let warm = try await Self.aliceToken(b, key: key)
                    #expect(Self.scopes(warm) == ["agents:web-agent:run"], "\(warm.status) \(warm.text)")
                }

                // A grant removed through A: B's next token cannot carry it; granted again, it does.
                // Ten times over, so a notification that merely tends to arrive first would be caught.
                for round in 0..<10 {
                    #expect(try await HTTP.send("DELETE", a + Self.org + "/os/prod/grants/\(grantID)", bearer: admin).status == 204)
                    let ungranted = try await Self.aliceToken(b, key: key)
                    #expect(ungranted.status == 403 && ungranted.text.contains("no scopes"), "round \(round): \(ungranted.text)")
                    grantID = try await Self.grant(alice, at: a, admin: admin)
                    let granted = try await Self.aliceToken(b, key: key)
                    #expect(Self.scopes(granted) == ["agents:web-agent:run"], "round \(round): \(granted.status) \(granted.text)")
                }

                // Alice disabled through A: B issues her nothing more; enabled again, it does.
                let disable = try await HTTP.send(
                    "PATCH",
                    a + Self.org + "/members/alice@acme.test",
                    bearer: admin,
                    json: ["disabled": true]
                )
                #expect(disable.status == 200, "\(disable.text)")
                let disabled = try await Self.aliceToken(b, key: key)
                #expect(disabled.status == 403 && disabled.text.contains("disabled"), "\(disabled.text)")
                #expect(
                    try await HTTP.send("PATCH", a + Self.org + "/members/alice@acme.test", bearer: admin, json: ["disabled": false]).status
                        == 200
                )
                #expect(try await Self.aliceToken(b, key: key).status == 201)

                // The key revoked through A: B refuses it on the next request.
                #expect(try await HTTP.send("DELETE", a + "/v1/admin/keys/\(keyID)", bearer: admin).status == 204)
                #expect(try await Self.aliceToken(b, key: key).status == 401)

                // A service account's client-credentials grant on B, then the account revoked through A.
                let account = try await HTTP.send("POST", a + Self.org + "/service-accounts", bearer: admin, json: ["name": "ci"])
                let accountID = try #require(account.json["id"] as? String, "\(account.text)")
                let clientID = try #require(account.json["client_id"] as? String)
                let secret = try #require(account.json["client_secret"] as? String)
                let binding = try await HTTP.send(
                    "POST",
                    a + Self.org + "/role-bindings",
                    bearer: admin,
                    json: ["subject": ["service_account": accountID], "role": "os-viewer"]
                )
                #expect(binding.status == 201, "\(binding.text)")
                for _ in 0..<2 { #expect(try await Self.clientCredentials(b, id: clientID, secret: secret).status == 200) }
                #expect(try await HTTP.send("DELETE", a + Self.org + "/service-accounts/\(accountID)", bearer: admin).status == 204)
                let revokedAccount = try await Self.clientCredentials(b, id: clientID, secret: secret)
                #expect(revokedAccount.status == 401 && revokedAccount.text.contains("invalid_client"), "\(revokedAccount.text)")

                // Revoked through B and used on B: the writer's own caches end before it answers.
                let local = try await HTTP.send("POST", b + "/v1/admin/keys", bearer: admin, json: ["name": "local"])
                let localKey = try #require(local.json["key"] as? String, "\(local.text)")
                let localID = try #require(local.json["id"] as? String)
                for _ in 0..<2 { #expect(try await Self.aliceToken(b, key: localKey).status == 201) }
                #expect(try await HTTP.send("DELETE", b + "/v1/admin/keys/\(localID)", bearer: admin).status == 204)
                #expect(try await Self.aliceToken(b, key: localKey).status == 401)

                // The caches do answer (so the checks above are not vacuous): a change written with
                // triggers off notifies no one, and B keeps issuing from its cached row until a change
                // that notifies. (Why the notification comes from triggers: docs/decisions.md.)
                #expect(try await Self.aliceToken(b, key: admin).status == 201)
                try await Self.silentlySetDisabled(true, user: alice, postgres)
                #expect(try await Self.aliceToken(b, key: admin).status == 201, "served from B's cache: no notification came")
                // A change from outside a replica is not fenced: B drops the row when the notification
                // arrives (docs/decisions.md), so B is asked until it has, for 2 s at most — far
                // under the 30 s after which the row would end without any notification.
                try await postgres.query("NOTIFY controlplane_changes", logger: TestCluster.logger)
                let notified = ContinuousClock.now
                var unnotified = try await Self.aliceToken(b, key: admin)
                while unnotified.status == 201, ContinuousClock.now - notified < .seconds(2) {
                    try await Task.sleep(for: .milliseconds(20))
                    unnotified = try await Self.aliceToken(b, key: admin)
                }
                #expect(unnotified.status == 403 && unnotified.text.contains("disabled"), "\(unnotified.text)")
            }
        }
    }
}
