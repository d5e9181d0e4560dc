import AgentOSAuth
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import ControlPlane

/// Every client subcommand of `controlplane`, run as the built binary against a live control plane:
/// output, `--json` answers and exit codes (0 done, 1 the server said no, 2 usage).
@Suite("controlplane CLI")
struct CLITests {
    struct Step: Sendable, CustomStringConvertible {
        var args: [String]
        var exit: Int32 = 0
        /// Substrings of stdout.
        var out: [String] = []
        var notOut: [String] = []
        /// Substrings of stderr.
        var err: [String] = []
        /// stdout must match this whole (a regular expression).
        var matches: String?
        /// Values in stdout parsed as JSON, by dotted path (numbers index arrays).
        var json: [(String, JSONValue)] = []
        /// Values to remember for later steps' `{name}`: a JSON path, or "" for the whole trimmed stdout.
        var capture: [(String, String)] = []
        var stdin: String?
        var description: String { "controlplane " + args.joined(separator: " ") }
    }

    static let jwt = #"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n"#
    static let password = "correct horse battery staple"

    /// The scenario, in order: later steps use what earlier ones created.
    static let steps: [Step] = [
        Step(args: ["org", "create", "acme", "--name", "Acme Corp"], out: ["slug:", "acme", "Acme Corp"]),
        Step(args: ["org", "list"], out: ["SLUG", "NAME", "acme", "Acme Corp"]),
        Step(args: ["org", "list", "--json"], json: [("organizations.0.slug", .string("acme"))]),
        Step(args: ["os", "register", "prod", "--org", "acme", "--name", "Production"], out: ["authorization: yes", "RS256", "kid:"]),
        Step(args: ["os", "register", "other", "--no-authorization", "--json"], json: [("os.authorization", .bool(false))]),
        Step(args: ["os", "register", "prod"], exit: 1, err: ["(HTTP 409)"]),
        Step(args: ["os", "list"], out: ["ID", "AUTHORIZATION", "prod", "Production", "other"]),
        Step(args: ["os", "show", "prod"], out: ["name:", "Production", "authorization: yes"]),
        Step(args: ["os", "show", "nope"], exit: 1, err: ["no OS 'nope'", "(HTTP 404)"]),
        Step(args: ["os", "public-key", "prod"], matches: #"-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n"#),
        Step(args: ["os", "jwks", "prod"], out: ["KID", "RS256", "sig"]),
        Step(args: ["os", "jwks", "prod", "--json"], json: [("keys.0.alg", .string("RS256"))], capture: [("kid1", "keys.0.kid")]),
        Step(
            args: ["os", "env", "prod"],
            matches: #"AGENT_OS_ID="prod"\nJWT_VERIFICATION_KEY="-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----"\n"#
        ),
        Step(args: ["os", "env", "other"], exit: 1, err: ["(HTTP 404)"]),
        Step(args: ["os", "enable-auth", "other", "--algorithm", "ES256"], out: ["authorization: yes", "ES256"]),
        Step(args: ["keys", "list", "--os", "prod"], out: ["KID", "STATE", "{kid1}", "active"]),
        Step(
            args: ["keys", "rotate", "--os", "prod", "--pending", "--json"],
            json: [("state", .string("pending"))],
            capture: [("kid2", "kid")]
        ),
        Step(args: ["keys", "activate", "--kid", "{kid2}", "--os", "prod"], out: ["{kid2}", "state:", "active"]),
        Step(
            args: ["keys", "list", "--os", "prod", "--json"],
            json: [("keys.0.state", .string("active")), ("keys.1.state", .string("retiring"))]
        ),
        Step(args: ["keys", "rotate", "--os", "prod"], out: ["state:", "active"]),
        Step(args: ["keys", "revoke", "--kid", "{kid1}", "--os", "prod"], out: ["{kid1}", "revoked"]),
        Step(args: ["keys", "revoke", "--kid", "-h-no-such-kid", "--os", "prod"], exit: 1, err: ["(HTTP 404)"]),
        Step(
            args: ["member", "add", "alice@example.com", "--name", "Alice", "--password-stdin"],
            out: ["alice@example.com", "Alice", "role:", "member"],
            capture: [],
            stdin: password + "\n"
        ),
        Step(
            args: ["member", "add", "bob@example.com", "--role", "admin", "--json"],
            json: [("role", .string("admin")), ("user.name", .string("bob"))]
        ),
        Step(
            args: ["member", "add", "carol@example.com", "--role", "emperor"],
            exit: 1,
            err: ["role must be owner, admin or member", "(HTTP 400)"]
        ),
        Step(args: ["member", "list"], out: ["EMAIL", "alice@example.com", "bob@example.com", "admin"]),
        Step(args: ["member", "update", "bob@example.com", "--role", "member"], out: ["role:", "member"], notOut: ["admin"]),
        Step(args: ["member", "update", "bob@example.com", "--disable", "--json"], json: [("disabled", .bool(true))]),
        Step(args: ["role", "list"], out: ["SLUG", "os-admin", "os-member", "os-viewer"]),
        Step(args: ["role", "show", "os-admin"], out: ["agent_os:admin", "builtin:"]),
        Step(
            args: [
                "role", "create", "web-runner", "--scope", "agents:web-agent:run", "--scope", "agents:read", "--description",
                "Runs web-agent",
            ],
            out: ["web-runner", "agents:web-agent:run", "agents:read", "Runs web-agent"]
        ),
        Step(args: ["role", "create", "broken", "--scope", "agents::run"], exit: 1, err: ["agents::run", "(HTTP 400)"]),
        Step(
            args: ["role", "set-scopes", "web-runner", "--scope", "agents:web-agent:read"],
            out: ["agents:web-agent:read"],
            notOut: ["agents:read\n"]
        ),
        Step(args: ["role", "set-scopes", "os-admin", "--scope", "agents:read"], exit: 1, err: ["(HTTP 409)"]),
        Step(
            args: ["bind", "alice@example.com", "--role", "os-viewer", "--os", "prod"],
            out: ["alice@example.com", "os-viewer", "os:", "prod"]
        ),
        Step(
            args: ["bind", "bob@example.com", "--role", "web-runner", "--json"],
            notOut: ["\"os\""],
            json: [("role", .string("web-runner"))],
            capture: [("binding", "id")]
        ),
        Step(args: ["unbind", "{binding}"], out: ["removed binding {binding}"]),
        Step(args: ["unbind", "{binding}"], exit: 1, err: ["(HTTP 404)"]),
        Step(args: ["grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"], out: ["scope:", "agents:web-agent:run"]),
        Step(
            args: ["access", "alice@example.com", "--os", "prod"],
            out: ["SCOPE", "agents:web-agent:run", "grant", "role os-viewer (OS prod)"]
        ),
        Step(
            args: [
                "explain", "--os", "prod", "--subject", "alice@example.com", "--method", "POST", "--path", "/agents/finance-agent/runs",
            ],
            out: ["no (403)", "Insufficient permissions. Required scope(s): agents:run"]
        ),
        Step(
            args: ["explain", "--os", "prod", "--subject", "alice@example.com", "--method", "POST", "--path", "/agents/web-agent/runs"],
            out: ["yes (200)", "agents:web-agent:run ← grant"]
        ),
        Step(args: ["token", "issue", "--os", "prod", "--subject", "alice@example.com"], matches: jwt, capture: [("token", "")]),
        Step(args: ["explain", "--os", "prod", "--access-token", "{token}", "--path", "/agents"], out: ["yes (200)"]),
        Step(
            args: ["token", "issue", "--os", "prod", "--subject", "alice@example.com", "--scope", "agents:read", "--ttl", "60", "--json"],
            json: [("scopes.0", .string("agents:read")), ("expires_in", .number(60)), ("token_type", .string("Bearer"))]
        ),
        Step(
            args: ["token", "issue", "--os", "prod", "--subject", "alice@example.com", "--scope", "agents:write"],
            exit: 1,
            err: ["(HTTP 403)"]
        ),
        Step(
            args: ["login", "--email", "alice@example.com", "--password-stdin"],
            matches: #"cps_[A-Za-z0-9_-]+\n"#,
            capture: [("session", "")],
            stdin: password
        ),
        Step(
            args: ["login", "--email", "alice@example.com", "--password-stdin"],
            exit: 1,
            err: ["invalid email or password", "(HTTP 401)"],
            stdin: "wrong"
        ),
        Step(args: ["org", "list", "--token", "{session}"], out: ["acme"]),
        Step(args: ["token", "issue", "--os", "prod", "--token", "{session}"], matches: jwt),
        Step(args: ["member", "list", "--token", "{session}"], exit: 1, err: ["(HTTP 403)"]),
        Step(args: ["revoke-grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"], out: ["revoked grant"]),
        Step(args: ["access", "alice@example.com", "--os", "prod"], notOut: ["agents:web-agent:run"]),
        Step(args: ["grant", "alice@example.com", "agents:web-agent:run", "--os", "prod", "--json"], capture: [("grant", "id")]),
        Step(args: ["revoke-grant", "{grant}", "--os", "prod"], out: ["revoked grant {grant}"]),
        Step(
            args: ["revoke-grant", "alice@example.com", "agents:web-agent:run", "--os", "prod"],
            exit: 1,
            err: ["no grant of agents:web-agent:run"]
        ),
        Step(
            args: ["service-account", "create", "robot", "--json"],
            json: [("token_broker", .bool(false))],
            capture: [("svc", "id"), ("secret", "client_secret")]
        ),
        Step(args: ["bind", "svc:{svc}", "--role", "os-viewer", "--os", "prod"], out: ["svc:{svc}", "os-viewer"]),
        Step(args: ["access", "svc:{svc}", "--os", "prod"], out: ["agents:read", "role os-viewer (OS prod)"]),
        Step(args: ["token", "issue", "--os", "prod", "--token", "{secret}"], matches: jwt),
        Step(args: ["service-account", "list"], out: ["CLIENT ID", "robot", "{svc}"], notOut: ["{secret}"]),
        Step(args: ["service-account", "delete", "{svc}"], out: ["revoked service account {svc}"]),
        Step(args: ["token", "issue", "--os", "prod", "--token", "{secret}"], exit: 1, err: ["(HTTP 401)"]),
        Step(args: ["unbind", "alice@example.com", "--role", "os-viewer", "--os", "prod"], out: ["removed binding"]),
        Step(args: ["unbind", "alice@example.com", "--role", "os-viewer", "--os", "prod"], exit: 1, err: ["no binding of role os-viewer"]),
        Step(args: ["role", "delete", "web-runner"], out: ["deleted role web-runner"]),
        Step(args: ["member", "remove", "bob@example.com"], out: ["removed bob@example.com"]),
        Step(args: ["os", "delete", "other"], out: ["deleted OS other"]),
        Step(args: ["audit", "list", "--limit", "3"], out: ["SEQ", "ACTION", "os.deleted", "member.removed", "role.deleted"]),
        Step(args: ["audit", "list", "--limit", "1", "--json"], json: [("events.0.action", .string("os.deleted"))]),
        Step(args: ["audit", "verify"], out: ["audit chain verified"]),
        Step(args: ["org", "list", "--token", "cpk_not-a-real-key"], exit: 1, err: ["(HTTP 401)"]),
    ]

    @Test func everyClientCommandAgainstALiveServer() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            let port = try #require(cp.client.port)
            let environment = [
                "CONTROL_PLANE_URL": "http://127.0.0.1:\(port)", "CONTROL_PLANE_TOKEN": cp.adminKey, "CONTROL_PLANE_ORG": "acme",
                "HOME": NSTemporaryDirectory(),
            ]
            var captured: [String: String] = [:]
            func fill(_ text: String) -> String {
                captured.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
            }
            for step in Self.steps {
                let output = try await CLI.run(step.args.map(fill), environment: environment, stdin: step.stdin)
                let context = "\(step)\nstdout: \(output.stdout)\nstderr: \(output.stderr)"
                #expect(output.status == step.exit, Comment(rawValue: context))
                for text in step.out { #expect(output.stdout.contains(fill(text)), Comment(rawValue: context)) }
                for text in step.notOut { #expect(!output.stdout.contains(fill(text)), Comment(rawValue: context)) }
                for text in step.err { #expect(output.stderr.contains(fill(text)), Comment(rawValue: context)) }
                if let pattern = step.matches {
                    #expect(output.stdout.wholeMatch(of: try Regex(pattern)) != nil, Comment(rawValue: context))
                }
                if step.exit == 0 { #expect(output.stderr.isEmpty, Comment(rawValue: context)) }
                // Never the admin key, never a stack trace.
                #expect(!(output.stdout + output.stderr).contains(cp.adminKey))
                #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), Comment(rawValue: context))
                let parsed = JSONValue(parsing: Array(output.stdout.utf8))
                for (path, expected) in step.json {
                    #expect(parsed.flatMap { Self.value($0, at: path) } == expected, Comment(rawValue: "\(path)\n\(context)"))
                }
                for (name, path) in step.capture {
                    let value: String? =
                        if path.isEmpty { output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) } else {
                            parsed.flatMap { Self.value($0, at: path)?.stringValue }
                        }
                    guard let value else {
                        Issue.record(Comment(rawValue: "nothing to capture as \(name)\n\(context)"))
                        return
                    }
                    captured[name] = value
                }
            }

            // `os env` survives a shell: sourced with `set -a`, the PEM comes back byte for byte.
            let envFile = NSTemporaryDirectory() + "agentos-\(UUID().uuidString).env"
            defer { unlink(envFile) }
            let env = try await CLI.run(["os", "env", "prod"], environment: environment)
            try env.stdout.write(toFile: envFile, atomically: true, encoding: .utf8)
            let pem = try await CLI.run(["os", "public-key", "prod"], environment: environment).stdout
            let sourced = try await CLI.run(
                "/bin/bash",
                ["-c", #"set -a; . "$1"; set +a; printf '%s|%s' "$AGENT_OS_ID" "$JWT_VERIFICATION_KEY""#, "sh", envFile],
                environment: [:]
            )
            #expect(sourced.stdout == "prod|" + pem.trimmingCharacters(in: .newlines), "\(sourced)")

            // A tampered audit event: `audit verify` names it and exits 1.
            let org = try await cp.service.organization("acme")
            try await cp.service.client.query(
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

    static func value(_ json: JSONValue, at path: String) -> JSONValue? {
        var current: JSONValue? = json
        for key in path.split(separator: ".") {
            switch current {
            case .object(let object)?: current = object[String(key)]
            case .array(let array)?: current = Int(key).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: return nil
            }
        }
        return current
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
        UsageCase(args: ["member", "update", "a@example.com", "--org", "acme", "--token", "t"], err: "nothing to change"),
        UsageCase(args: ["member", "update", "a@example.com", "--disable", "--enable"], err: "exclude each other"),
        UsageCase(args: ["explain", "--os", "p", "--path", "/x", "--subject", "a", "--access-token", "t"], err: "exclude each other"),
        UsageCase(args: ["login", "--email", "a@example.com"], err: "stdin is not a terminal: pass the password with --password-stdin"),
        UsageCase(args: ["keys", "rotate", "--org", "acme"], err: "Missing expected argument '--os <os>'"),
    ])
    func usageMistakesExitTwo(_ usage: UsageCase) async throws {
        let output = try await CLI.run(usage.args, environment: usage.environment.merging(["HOME": NSTemporaryDirectory()]) { a, _ in a })
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains(usage.err), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func helpAndUnreachableServer() async throws {
        let help = try await CLI.run(["--help"], environment: [:])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS") && help.stdout.contains("service-account"), "\(help.stdout)")
        let down = try await CLI.run(["org", "list", "--server", "http://127.0.0.1:1", "--token", "cpk_secret-looking"], environment: [:])
        #expect(down.status == 1)
        #expect(down.stderr.hasPrefix("controlplane: error: cannot reach the control plane at http://127.0.0.1:1"), "\(down.stderr)")
        #expect(!down.stderr.contains("cpk_secret-looking"))
    }
}
