import AgentOSAuth
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import ControlPlane

extension SystemTests {
    /// Every client subcommand of `controlplane`, run as the built binary against a live control plane:
    /// output, `--json` answers and exit codes (0 done, 1 the server said no, 2 usage).
    @Suite("controlplane CLI")
    struct CLITests {
        static let jwt = #"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n"#
        static let password = "correct horse battery staple"

        /// A live control plane with the CLI's environment pointing at it, after the base steps.
        func withServer(_ body: @Sendable (ControlPlaneHarness, [String: String]) async throws -> Void) async throws {
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                let port = try #require(cp.client.port)
                let environment = [
                    "CONTROL_PLANE_URL": "http://127.0.0.1:\(port)", "CONTROL_PLANE_TOKEN": cp.adminKey, "CONTROL_PLANE_ORG": "acme",
                    "HOME": NSTemporaryDirectory(),
                ]
                var captured: [String: String] = [:]
                try await Self.run(Self.base, cp: cp, environment: environment, captured: &captured)
                try await body(cp, environment)
            }
        }

        @Test(arguments: Scenario.allCases)
        func scenario(_ scenario: Scenario) async throws {
            try await withServer { cp, environment in
                var captured: [String: String] = [:]
                try await Self.run(scenario.steps, cp: cp, environment: environment, captured: &captured)
            }
        }

        /// `os env` survives a shell: sourced with `set -a`, the PEM comes back byte for byte.
        @Test func osEnvSurvivesAShell() async throws {
            try await withServer { cp, environment in
                let envFile = NSTemporaryDirectory() + "agentos-\(UUID().uuidString).env"
                defer { unlink(envFile) }
                let env = try await CLI.run(["os", "env", "prod"], environment: environment)
                try env.stdout.write(toFile: envFile, atomically: true, encoding: .utf8)
                let pem = try await CLI.run(["os", "public-key", "prod"], environment: environment).stdout
                #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
                let sourced = try await CLI.run(
                    "/bin/bash",
                    ["-c", #"set -a; . "$1"; set +a; printf '%s|%s' "$AGENT_OS_ID" "$JWT_VERIFICATION_KEY""#, "sh", envFile],
                    environment: [:]
                )
                #expect(sourced.stdout == "prod|" + pem.trimmingCharacters(in: .newlines), "\(sourced)")
            }
        }

        /// A tampered audit event: `audit verify` names it and exits 1.
        @Test func tamperedAuditEventIsNamed() async throws {
            try await withServer { cp, environment in
                let org = try await cp.services.organizations.find(slug: "acme")
                try await cp.database.query(
                    "UPDATE audit_events SET actor = 'someone-else' WHERE org_id = \(org.id) AND seq = 2",
                    logger: TestCluster.logger
                )
                let broken = try await CLI.run(["audit", "verify"], environment: environment)
                #expect(broken.status == 1)
                #expect(broken.stderr.contains("audit chain is broken at event 2 (os.registered os:prod)"), "\(broken)")
                let brokenJSON = try await CLI.run(["audit", "verify", "--json"], environment: environment)
                #expect(brokenJSON.status == 1 && brokenJSON.stdout.contains("\"verified\" : false"), "\(brokenJSON)")
            }
        }

        struct UsageCase: Sendable, CustomStringConvertible {
            var args: [String]
            var environment: [String: String] = [:]
            var err: String
            var description: String { "controlplane " + args.joined(separator: " ") }
        }

        /// Command-line mistakes exit 2 with one message, before any request (no server runs here).
        @Test(arguments: [
            UsageCase(args: ["bogus"], err: "Unexpected argument 'bogus'"),
            UsageCase(args: ["os", "register"], err: "Missing expected argument '<id>'"),
            UsageCase(args: ["org", "list", "--colour"], err: "Unknown option '--colour'"),
            UsageCase(args: ["org", "list", "--server", "ftp://example.com", "--token", "t"], err: "--server must be an http(s) URL"),
            UsageCase(args: ["os", "list", "--token", "t"], err: "which organisation? Pass --org or set CONTROL_PLANE_ORG"),
            UsageCase(args: ["org", "list", "--server", "https://cp.example.com"], err: "admin.key is only sent to a local server"),
            UsageCase(args: ["org", "list", "--data-dir", "/nonexistent"], err: "no credentials: pass --token"),
            // The local-server test parses the host, so look-alike names are remote and get no admin.key.
            UsageCase(args: ["org", "list", "--server", "http://127.evil.example"], err: "admin.key is only sent to a local server"),
            UsageCase(args: ["org", "list", "--server", "http://127.0.0.1.evil.example"], err: "admin.key is only sent to a local server"),
            UsageCase(
                args: ["org", "list", "--server", "http://localhost.evil.example:8080"],
                err: "admin.key is only sent to a local server"
            ),
            UsageCase(
                args: ["org", "list", "--server", "http://[::ffff:127.0.0.1]:8080"],
                err: "admin.key is only sent to a local server"
            ),
            UsageCase(
                args: ["org", "list", "--server", "http://127.0.0.2:1", "--data-dir", "/nonexistent"],
                err: "no credentials: pass --token"
            ),
            UsageCase(
                args: ["org", "list", "--server", "http://[::1]:1", "--data-dir", "/nonexistent"],
                err: "no credentials: pass --token"
            ),
            UsageCase(
                args: ["org", "list", "--server", "http://LocalHost:1", "--data-dir", "/nonexistent"],
                err: "no credentials: pass --token"
            ),
            UsageCase(args: ["member", "update", "a@example.com", "--org", "acme", "--token", "t"], err: "nothing to change"),
            UsageCase(args: ["member", "update", "a@example.com", "--disable", "--enable"], err: "exclude each other"),
            UsageCase(args: ["explain", "--os", "p", "--path", "/x", "--subject", "a", "--access-token", "t"], err: "exclude each other"),
            UsageCase(
                args: ["login", "--email", "a@example.com"],
                err: "stdin is not a terminal: pass the password with --password-stdin"
            ),
            UsageCase(args: ["keys", "rotate", "--org", "acme"], err: "Missing expected argument '--os <os>'"),
            UsageCase(args: ["keys", "speed", "--algorithm", "HS256"], err: "unknown algorithm 'HS256'"),
            UsageCase(args: ["keys", "speed", "--seconds", "0"], err: "--seconds must be 0.1-60"),
        ])
        func usageMistakesExitTwo(_ usage: UsageCase) async throws {
            let output = try await CLI.run(
                usage.args,
                environment: usage.environment.merging(["HOME": NSTemporaryDirectory()]) { a, _ in a }
            )
            #expect(output.status == 2, "\(output)")
            #expect(output.stderr.contains(usage.err), "\(output.stderr)")
            #expect(output.stdout.isEmpty)
        }

        /// `keys speed` signs in process with the issuance signer: a rate for each algorithm, RS256
        /// on either library.
        @Test(arguments: [("RS256", "openssl"), ("RS256", "boringssl"), ("ES256", nil), ("EdDSA", nil)])
        func keysSpeedMeasuresTheSigner(_ algorithm: String, _ backend: String?) async throws {
            let output = try await CLI.run(
                ["keys", "speed", "--algorithm", algorithm, "--seconds", "0.2", "--tasks", "1"]
                    + (backend.map { ["--rsa-backend", $0] } ?? []),
                environment: [:]
            )
            #expect(output.status == 0, "\(output)")
            let words = output.stdout.split(separator: " ")
            #expect(
                words.first.map(String.init) == algorithm && (words.dropFirst().first.flatMap { Double($0) } ?? 0) > 0,
                "\(output.stdout)"
            )
            let library = algorithm == "RS256" ? " on \(backend ?? "openssl")" : ""
            #expect(output.stdout.contains("signatures/s (1 tasks, 0.2 s\(library))"), "\(output.stdout)")
        }

        @Test func helpAndUnreachableServer() async throws {
            let help = try await CLI.run(["--help"], environment: [:])
            #expect(help.status == 0)
            #expect(help.stdout.contains("SUBCOMMANDS") && help.stdout.contains("service-account"), "\(help.stdout)")
            let down = try await CLI.run(
                ["org", "list", "--server", "http://127.0.0.1:1", "--token", "cpk_secret-looking"],
                environment: [:]
            )
            #expect(down.status == 1)
            #expect(down.stderr.hasPrefix("controlplane: error: cannot reach the control plane at http://127.0.0.1:1"), "\(down.stderr)")
            #expect(!down.stderr.contains("cpk_secret-looking"))
        }
    }
}
