import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

extension SystemTests {
    /// A real Agno AgentOS 3.1.10 started from the `.env` the control plane generates, as a user
    /// does (`set -a; . ./prod.env`), in each form offered for a stock Agno OS, through a staged
    /// rotation (docs/keys.md, "Staged rotation").
    @Suite("A stock Agno OS from its .env")
    struct AgnoEnvironmentTests {
        /// `examples/agno_os.py` (with `arguments`) started by a shell that sources `prod.env` in
        /// `directory` (where a JWKS file lies too), answering `/health`, while `body` runs.
        static func withAgno(
            _ python: String,
            in directory: URL,
            arguments: [String] = [],
            _ body: (ServerProcess) async throws -> Void
        ) async throws {
            let command = #"cd "$1" && set -a && . ./prod.env && set +a && shift && exec "$@" --port 0"#
            try await ServerProcess.withServer(
                "/bin/sh",
                ["-c", command, "sh", directory.path, python, AgnoInteropTests.script] + arguments,
                environment: ["HOME": NSTemporaryDirectory()],
                seconds: 60
            ) { agno in
                for _ in 0..<100 where (try? await agno.send("GET", "/health", token: nil).status) != 200 {
                    try await Task.sleep(for: .milliseconds(200))
                }
                try await body(agno)
            }
        }

        /// Writes the environment of `form` (and its files) to `directory`; returns the env text.
        @discardableResult
        static func write(_ cp: ControlPlaneHarness, form: String, to directory: URL) async throws -> String {
            let answer = try await cp.send(.get, "/v1/orgs/acme/os/prod/env?form=\(form)")
            let env = try #require(answer.json["env"] as? String, "\(answer.text)")
            try env.write(to: directory.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
            for file in answer.json["files"] as? [[String: String]] ?? [] {
                try (file["content"] ?? "").write(
                    to: directory.appendingPathComponent(file["name"] ?? "x"),
                    atomically: true,
                    encoding: .utf8
                )
            }
            return env
        }

        @Test func pemThenJWKSFileThroughAStagedRotation() async throws {
            let python = try await AgnoInteropTests.python()
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                try await cp.makeOS("prod")
                let alice = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": alice], role: "os-viewer")
                func token() async throws -> (token: String, kid: String) {
                    let reply = try await cp.token(["subject": alice])
                    return (try #require(reply.json["access_token"] as? String, "\(reply.text)"), reply.json["kid"] as? String ?? "")
                }
                let pemDirectory = try makeTemporaryDirectory(prefix: "agno-pem")
                let fileDirectory = try makeTemporaryDirectory(prefix: "agno-jwks")
                defer {
                    try? FileManager.default.removeItem(at: pemDirectory)
                    try? FileManager.default.removeItem(at: fileDirectory)
                }
                let pemEnv = try await Self.write(cp, form: "pem", to: pemDirectory)
                #expect(pemEnv.contains("JWT_VERIFICATION_KEY=") && pemEnv.contains("CORS_ORIGIN_LIST="), "\(pemEnv)")
                try await Self.withAgno(python, in: pemDirectory) { pemOS in
                    let first = try await token()
                    #expect(try await pemOS.send("GET", "/agents", token: first.token).status == 200)

                    // Staged: published, not signing, so the OS started from the PEM still answers.
                    let staged = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: [:])
                    let next = try #require(staged.json["kid"] as? String, "\(staged.text)")
                    #expect(staged.json["state"] as? String == "pending")
                    let stillOld = try await token()
                    #expect(stillOld.kid == first.kid && stillOld.kid != next)
                    #expect(try await pemOS.send("GET", "/agents", token: stillOld.token).status == 200, "staging broke the OS")

                    // The JWKS file holds both keys: an OS started from it takes tokens of either.
                    let fileEnv = try await Self.write(cp, form: "jwks-file", to: fileDirectory)
                    #expect(fileEnv.contains(#"JWT_JWKS_FILE="prod.jwks.json""#), "\(fileEnv)")
                    try await Self.withAgno(python, in: fileDirectory) { fileOS in
                        #expect(try await fileOS.send("GET", "/agents", token: stillOld.token).status == 200)
                        #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(next)/activate").status == 200)
                        let rotated = try await token()
                        #expect(rotated.kid == next)
                        let answer = try await fileOS.send("GET", "/agents", token: rotated.token)
                        #expect(answer.status == 200, "the file held the staged key: \(answer.text)")
                        #expect(try await fileOS.send("GET", "/agents", token: stillOld.token).status == 200, "and the old one")
                        // What the warning says: the OS that holds only the old PEM refuses the new key.
                        let refused = try await pemOS.send("GET", "/agents", token: rotated.token)
                        #expect(refused.status == 401, "\(refused.text)")
                    }
                }
            }
        }
    }
}
