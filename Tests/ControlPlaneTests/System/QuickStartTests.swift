import Foundation
import Testing

@testable import ControlPlane

extension SystemTests {
    /// The README's "Protect an Agno AgentOS in five minutes", run verbatim: the control plane as
    /// `serve` starts it (embedded PostgreSQL, admin.key), the CLI block, a real AgentOS from the
    /// AgentOS block, and the curl block, whose `# NNN` comments are the statuses expected.
    @Suite("README quick start")
    struct QuickStartTests {
        static let repository = TestCluster.migrationsDirectory.deletingLastPathComponent()

        /// The ```sh block after `<!-- quickstart:<name> -->`.
        static func block(_ name: String, in readme: String) throws -> String {
            let marker = try #require(readme.range(of: "<!-- quickstart:\(name) -->"), "README lost its quickstart:\(name) block")
            let rest = readme[marker.upperBound...]
            let open = try #require(rest.range(of: "```sh\n"))
            let close = try #require(rest[open.upperBound...].range(of: "\n```"))
            return String(rest[open.upperBound..<close.lowerBound])
        }

        @Test func readmeQuickStartProtectsARealAgentOS() async throws {
            try await Self.runQuickStart()
        }

        static func runQuickStart() async throws {
            // The test venv's install fills pip's cache, so the README's own venv installs from it.
            _ = try await PythonEnvironment.python(
                installing: "agno[os]==3.1.10",
                "pyjwt[crypto]==2.15.1",
                marker: "agno.os, jwt, cryptography"
            )
            let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
            let controlPlaneBlock = try Self.block("control-plane", in: readme)
            let agentOSBlock = try Self.block("agentos", in: readme)
            let callBlock = try Self.block("call", in: readme)

            // A fresh checkout-like directory: the built binaries and the example, nothing else.
            let work = try makeTemporaryDirectory(prefix: "quickstart")
            defer { try? FileManager.default.removeItem(at: work) }
            chmod(work.path, 0o711)  // the embedded PostgreSQL runs as `postgres` when we are root
            for name in [".build", "examples"] {
                try FileManager.default.createSymbolicLink(
                    at: work.appendingPathComponent(name),
                    withDestinationURL: Self.repository.appendingPathComponent(name)
                )
            }

            // Terminal 1: the control plane, as `swift run controlplane serve` starts it in `work`.
            try await ServerProcess.withServer(
                CLI.binary,
                ["serve", "--port", "0", "--data-dir", work.appendingPathComponent(".controlplane").path],
                environment: ["CONTROL_PLANE_MIGRATIONS_DIR": TestCluster.migrationsDirectory.path],
                seconds: 60
            ) { server in
                // The generated secrets are readable by their owner only (README "Configuration").
                for secret in ["master.key", "admin.key"] {
                    let path = work.appendingPathComponent(".controlplane/\(secret)").path
                    let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
                    #expect(mode == 0o600, "\(secret) has mode \(String(mode ?? 0, radix: 8))")
                }
                let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
                let shell = ["HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin", "CONTROL_PLANE_URL": server.baseURL]

                // Terminal 2: the CLI block; its exports are kept for the last block (same terminal).
                let setUp = try await CLI.run(
                    "/bin/bash",
                    ["-euo", "pipefail", "-c", "cd \"$1\"\n\(controlPlaneBlock)\nexport -p > .terminal-2", "bash", work.path],
                    environment: shell
                )
                #expect(setUp.status == 0, "\(setUp)")
                let env = try String(contentsOf: work.appendingPathComponent("agentos.env"), encoding: .utf8)
                #expect(env.hasPrefix("AGENT_OS_ID=\"prod\"\nJWT_VERIFICATION_KEY=\"-----BEGIN PUBLIC KEY-----\n"), "\(env)")

                // Terminal 3: the AgentOS block, on a free port instead of 7777.
                try await ServerProcess.withServer(
                    "/bin/bash",
                    [
                        "-eu", "-c", "cd \"$1\"\n" + agentOSBlock.replacingOccurrences(of: "--port 7777", with: "--port 0"), "bash",
                        work.path,
                    ],
                    environment: ["HOME": home],
                    seconds: 600
                ) { agentOS in
                    let agentPort = try #require(agentOS.baseURL.split(separator: ":").last.map(String.init))
                    for _ in 0..<100 where (try? await agentOS.send("GET", "/health", token: nil).status) != 200 {
                        try await Task.sleep(for: .milliseconds(200))
                    }

                    // Terminal 2 again: token and curl; each curl prints the status its comment promises.
                    let calls = try await CLI.run(
                        "/bin/bash",
                        [
                            "-euo", "pipefail", "-c",
                            "cd \"$1\"\n. ./.terminal-2\n" + callBlock.replacingOccurrences(of: ":7777", with: ":" + agentPort), "bash",
                            work.path,
                        ],
                        environment: shell
                    )
                    let promised = callBlock.split(separator: "\n").filter { $0.hasPrefix("curl") }.compactMap { line in
                        line.firstMatch(of: /#\s*(\d{3})\b/).map { String($0.1) }
                    }
                    #expect(promised == ["200", "200", "403", "401"], "the README's curl block changed: \(promised)")
                    #expect(calls.status == 0, "\(calls)")
                    #expect(calls.stdout.split(separator: "\n").map(String.init) == promised, "\(calls)\nAgentOS: \(agentOS.output)")
                }
            }
        }
    }
}
