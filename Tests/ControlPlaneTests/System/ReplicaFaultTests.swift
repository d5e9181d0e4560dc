import AgentOSAuth
import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import ControlPlane

extension SystemTests {
    /// Two `controlplane serve` replicas (the built binary, separate processes) on one test
    /// database, behind nginx (`docs/operations.md`, faults): one is killed under token load and
    /// restarted; and what one replica changes, the other honours at once.
    @Suite("Replica faults behind nginx")
    struct ReplicaFaultTests {
        /// A replica and the environment it was started with (to restart it on the same port).
        struct Replica {
            var port: Int
            var server: ServerProcess
            var url: String { "http://127.0.0.1:\(port)" }
        }

        /// `controlplane serve` on `port` while `body` runs.
        static func withReplica<T: Sendable>(port: Int, environment: [String: String], _ body: (Replica) async throws -> T) async throws
            -> T
        {
            try await ServerProcess.withServer(
                CLI.binary,
                ["serve", "--host", "127.0.0.1", "--port", "\(port)"],
                environment: environment,
                seconds: 60
            ) { server in
                try await body(Replica(port: port, server: server))
            }
        }

        /// SIGKILL, as a crash or an OOM kill would: no graceful shutdown, connections cut.
        static func kill(_ replica: Replica) async {
            await replica.server.child.kill()
        }

        /// Two replicas on a fresh database with a superuser key, an org `acme`, an ES256 OS `prod`
        /// and a service account bound `os-viewer` (its secret issues tokens); `postgres` is a client of
        /// that database.
        static func withReplicas(
            _ body:
                @Sendable (
                    _ replicas: [Replica], _ environment: [String: String], _ admin: String, _ secret: String, _ postgres: PostgresClient
                ) async throws -> Void
        ) async throws {
            try await TestCluster.withNamedDatabase { postgres, _, name in
                let services = ControlPlaneServices(
                    client: postgres,
                    masterKeys: ControlPlaneHarness.masterKeys,
                    logger: TestCluster.logger
                )
                let admin = try await services.authentication.createSuperuserKey(name: "replica fault test")
                let dataDirectory = try makeTemporaryDirectory(prefix: "cpr")
                defer { try? FileManager.default.removeItem(at: dataDirectory) }
                var environment = try await TestCluster.server().cliEnvironment(name)
                environment["CONTROL_PLANE_MASTER_KEYS"] = ControlPlaneHarness.masterKeyBase64
                environment["CONTROL_PLANE_ISSUER"] = "https://cp.test"
                environment["CONTROL_PLANE_MIGRATIONS_DIR"] = TestCluster.migrationsDirectory.path
                environment["CONTROL_PLANE_DATA_DIR"] = dataDirectory.path
                let ports = [try NginxProxy.freePort(), try NginxProxy.freePort()]
                try await withReplica(port: ports[0], environment: environment) { first in
                    try await withReplica(port: ports[1], environment: environment) { second in
                        let replicas = [first, second]

                        let base = replicas[0].url
                        #expect(
                            try await HTTP.send("POST", base + "/v1/orgs", bearer: admin, json: ["slug": "acme", "name": "Acme"]).status
                                == 201
                        )
                        let os = try await HTTP.send(
                            "POST",
                            base + "/v1/orgs/acme/os",
                            bearer: admin,
                            json: ["id": "prod", "name": "Prod", "algorithm": "ES256", "verifier": "agentos-auth"]
                        )
                        #expect(os.status == 201, "\(os.text)")
                        let account = try await HTTP.send(
                            "POST",
                            base + "/v1/orgs/acme/service-accounts",
                            bearer: admin,
                            json: ["name": "load"]
                        )
                        let id = try #require(account.json["id"] as? String, "\(account.text)")
                        let secret = try #require(account.json["client_secret"] as? String, "\(account.text)")
                        let binding = try await HTTP.send(
                            "POST",
                            base + "/v1/orgs/acme/role-bindings",
                            bearer: admin,
                            json: ["subject": ["service_account": id], "role": "os-viewer"]
                        )
                        #expect(binding.status == 201, "\(binding.text)")
                        try await body(replicas, environment, admin, secret, postgres)
                    }
                }
            }
        }

        /// One token request of the load: when it started and ended (seconds since the load began),
        /// its status (0: no answer) and the replica nginx sent it to.
        struct Outcome: Sendable {
            var started: Double
            var ended: Double
            var status: Int
            var upstream: String
        }

        /// One load worker: token requests through nginx, one at a time, until `stop`.
        static func load(_ base: String, secret: String, start: ContinuousClock.Instant, into log: LoadLog) async throws {
            while !log.stop.load(ordering: .relaxed) {
                let began = seconds(since: start)
                let reply = try? await HTTP.send("POST", base + "/v1/orgs/acme/os/prod/tokens", bearer: secret, json: [:])
                let outcome = Outcome(
                    started: began,
                    ended: seconds(since: start),
                    status: reply?.status ?? 0,
                    upstream: reply?.headers["x-upstream"] ?? ""
                )
                log.outcomes.withLock { $0.append(outcome) }
            }
        }

        /// What the load workers share: their outcomes and the stop flag.
        final class LoadLog: Sendable {
            let outcomes = Mutex<[Outcome]>([])
            let stop = Atomic<Bool>(false)
        }

        /// Whether `address` answered a token request started after `time`.
        static func served(_ outcomes: [Outcome], by address: String, after time: Double) -> Bool {
            outcomes.contains { $0.started > time && $0.upstream == address && $0.status == 201 }
        }

        static func seconds(since start: ContinuousClock.Instant) -> Double {
            let duration = ContinuousClock.now - start
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        /// The `kid` of a compact JWS's header.
        static func kid(_ token: String) -> String? {
            let header = token.split(separator: ".").first.flatMap { Base64URL.decode($0) }
            return header.flatMap { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] }?["kid"] as? String
        }

        /// The kids in a replica's JWKS of `prod`.
        static func jwks(_ base: String) async throws -> Set<String> {
            let keys = try await HTTP.send("GET", base + "/v1/orgs/acme/os/prod/jwks.json").json["keys"] as? [[String: Any]] ?? []
            return Set(keys.compactMap { $0["kid"] as? String })
        }

        /// What an OS trusting `pem` decides for `GET /agents` with `token`, reading the status list
        /// from the replica at `base` (a new gate each time: nothing cached).
        static func decide(_ token: String, pem: String, statusFrom base: String) async throws -> GateDecision {
            let environment = [
                "JWT_VERIFICATION_KEY": pem, "AGENT_OS_ID": "prod", "JWT_STATUS_LIST_ORIGIN": "https://cp.test",
                "JWT_STATUS_LIST_REFETCH_INTERVAL": "0",
            ]
            let gate = try AuthGate(
                configuration: try AgentOSAuthConfiguration(environment: environment),
                fetcher: { request in
                    let reply = try await HTTP.send("GET", base + request.url.path)
                    return .init(status: reply.status, data: reply.body, maxAge: nil)
                },
                now: { Date() },
                onEvent: { _ in }
            )
            return await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)")
        }

        @Test
        func killingAReplicaDuringTokenLoadFailsOnlyWhatWasInFlight() async throws {
            try await Self.withReplicas { replicas, environment, _, secret, _ in
                try await NginxProxy.withProxy(upstreams: replicas.map(\.port)) { nginx in
                    let victim = replicas[0]
                    let victimAddress = "127.0.0.1:\(victim.port)"
                    let log = LoadLog()
                    let start = ContinuousClock.now
                    let workers = 6
                    // The load runs in tasks of its own; this one kills, restarts and watches.
                    let load = (0..<workers).map { _ in
                        Task { try await Self.load(nginx.baseURL, secret: secret, start: start, into: log) }
                    }
                    try await Task.sleep(for: .milliseconds(1500))
                    let killedAt = Self.seconds(since: start)
                    await Self.kill(victim)
                    try await Task.sleep(for: .milliseconds(2000))
                    try await Self.withReplica(port: victim.port, environment: environment) { _ in
                        let readyAt = Self.seconds(since: start)
                        // Until nginx sends the restarted replica work again (bounded).
                        while Self.seconds(since: start) < readyAt + 15,
                            !Self.served(log.outcomes.withLock { $0 }, by: victimAddress, after: readyAt)
                        {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        try await Task.sleep(for: .milliseconds(500))
                        log.stop.store(true, ordering: .relaxed)
                        for worker in load { try await worker.value }
                        let all = log.outcomes.withLock { $0 }
                        let failed = all.filter { $0.status != 201 }
                        // After the same half second of slack as below: until then a request may still meet the
                        // dead replica's keep-alive connection, and is allowed to fail.
                        let duringOutage = all.filter { $0.started > killedAt + 0.5 && $0.started < readyAt }
                        let rejoined = all.filter { $0.started > readyAt && $0.upstream == victimAddress && $0.status == 201 }
                        let recovery = rejoined.map(\.ended).min().map { $0 - readyAt }
                        print(
                            "fault: replica killed under token load: \(all.count) requests (\(workers) concurrent), \(failed.count) failed "
                                + "(statuses \(Set(failed.map(\.status)).sorted())), survivor served \(duringOutage.filter { $0.status == 201 }.count) "
                                + "of \(duringOutage.count) during the outage, restarted replica ready \(String(format: "%.1f", readyAt - killedAt)) s "
                                + "after the kill and rejoined \(recovery.map { String(format: "%.2f", $0) } ?? "never") s after it was ready "
                                + "(served \(rejoined.count))"
                        )
                        #expect(all.filter { $0.started < killedAt && $0.status == 201 }.count > 0, "load ran before the kill")
                        // Only requests in flight at the kill may fail: each worker has at most one.
                        #expect(failed.count <= workers, "\(failed.map { ($0.started, $0.ended, $0.status) })")
                        // (Half a second of slack: nginx may still hand a request to a keep-alive connection of
                        // the dead replica before it has read the connection's close.)
                        #expect(
                            failed.allSatisfy { $0.started <= killedAt + 0.5 && $0.ended >= killedAt },
                            "\(failed.map { ($0.started, $0.status) })"
                        )
                        #expect(duringOutage.count > 0 && duringOutage.allSatisfy { $0.status == 201 }, "the survivor serves the rest")
                        #expect(recovery != nil, "the restarted replica rejoins")
                    }
                }
            }
        }

        @Test
        func rotationAndRevocationThroughOneReplicaAreHonouredByTheOtherAtOnce() async throws {
            try await Self.withReplicas { replicas, _, admin, secret, _ in
                let (a, b) = (replicas[0].url, replicas[1].url)
                let os = "/v1/orgs/acme/os/prod"
                let before = try await HTTP.send("POST", b + os + "/tokens", bearer: secret, json: [:])
                let first = try #require(Self.kid(before.json["access_token"] as? String ?? ""), "\(before.text)")

                // Rotated through A: B signs with the new key from its next token, and publishes it.
                let rotated = try await HTTP.send("POST", a + os + "/keys", bearer: admin, json: ["activate": true, "algorithm": "ES256"])
                let second = try #require(rotated.json["kid"] as? String, "\(rotated.text)")
                let after = try await HTTP.send("POST", b + os + "/tokens", bearer: secret, json: [:])
                let token = after.json["access_token"] as? String ?? ""
                #expect(Self.kid(token) == second && second != first, "\(after.text)")
                #expect(try await Self.jwks(b) == [first, second])
                let pemA = try await HTTP.send("GET", a + os + "/public-key").text
                #expect(try await HTTP.send("GET", b + os + "/public-key").text == pemA)

                // The retiring key revoked through A: gone from B's JWKS at once.
                #expect(try await HTTP.send("POST", a + os + "/keys/\(first)/revoke", bearer: admin).status == 200)
                #expect(try await Self.jwks(b) == [second])

                // A token revoked through A: B's status list says so at once.
                #expect("\(try await Self.decide(token, pem: pemA, statusFrom: b))".contains("allowed"))
                let jti = try #require(jwtPayload(token)["jti"] as? String)
                let revoked = try await HTTP.send("POST", a + os + "/token-revocations", bearer: admin, json: ["jti": jti])
                #expect(revoked.json["revoked"] as? Int == 1, "\(revoked.text)")
                let decision = "\(try await Self.decide(token, pem: pemA, statusFrom: b))"
                #expect(decision.contains("revoked"), "\(decision)")

                // The only key revoked through A: B issues nothing more.
                #expect(try await HTTP.send("POST", a + os + "/keys/\(second)/revoke", bearer: admin).status == 200)
                let refused = try await HTTP.send("POST", b + os + "/tokens", bearer: secret, json: [:])
                #expect(refused.status == 409, "\(refused.text)")
                #expect(try await Self.jwks(b).isEmpty)
                print(
                    "fault: rotation and revocations through replica A honoured by replica B on its next request (kid, JWKS, PEM, status list, issuance)"
                )
            }
        }
    }
}
