import ControlPlaneHTTP
import Foundation
import Testing

/// What the CLI says besides answers: its version, errors as JSON under `--json`, what to do when
/// no server answers, and the question before a destructive command on a terminal.
extension SystemTests.CLITests {
    /// The `error` object of a JSON error line, read with Foundation's parser (not the CLI's).
    static func jsonError(_ text: String) -> [String: Any]? {
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard !trimmed.contains("\n"), let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any]
        else { return nil }
        return object["error"] as? [String: Any]
    }

    @Test func versionAndCompletionScripts() async throws {
        let version = try await CLI.run(["--version"], environment: [:])
        #expect(version.status == 0 && version.stdout == BuildInfo.version + "\n", "\(version)")
        #expect(version.stdout.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+\n/) != nil, "\(version.stdout)")
        let bash = try await CLI.run(["--generate-completion-script", "bash"], environment: [:])
        #expect(bash.status == 0 && bash.stdout.contains("complete -o filenames -F _controlplane controlplane"), "\(bash.stderr)")
        let zsh = try await CLI.run(["--generate-completion-script", "zsh"], environment: [:])
        #expect(zsh.status == 0 && zsh.stdout.hasPrefix("#compdef controlplane"), "\(zsh.stderr)")
    }

    /// Under `--json` a refusal is one JSON object on stderr with the server's code and status,
    /// stdout stays empty, and the exit codes are those of the text form.
    @Test func errorsUnderJSONAreJSON() async throws {
        try await withServer { cp, environment in
            let missing = try await CLI.run(["os", "show", "nope", "--json"], environment: environment)
            #expect(missing.status == 1 && missing.stdout.isEmpty, "\(missing)")
            let notFound = try #require(Self.jsonError(missing.stderr), "\(missing.stderr)")
            #expect(notFound["code"] as? String == "not_found" && notFound["status"] as? Int == 404, "\(missing.stderr)")
            #expect((notFound["message"] as? String)?.contains("no OS 'nope'") == true, "\(missing.stderr)")
            // The text form is unchanged: one line with the status.
            let text = try await CLI.run(["os", "show", "nope"], environment: environment)
            #expect(text.status == 1 && text.stderr.hasPrefix("controlplane: error: no OS 'nope'"), "\(text)")
            #expect(text.stderr.hasSuffix(" (HTTP 404)\n") && Self.jsonError(text.stderr) == nil, "\(text)")

            let conflict = try await CLI.run(["os", "register", "prod", "--json"], environment: environment)
            let duplicate = try #require(Self.jsonError(conflict.stderr), "\(conflict)")
            #expect(conflict.status == 1 && duplicate["code"] as? String == "conflict" && duplicate["status"] as? Int == 409)

            // Command-line mistakes, found by the parser or while running: exit 2, no status.
            var noOrg = environment
            noOrg["CONTROL_PLANE_ORG"] = nil
            for (arguments, env, words) in [
                (["os", "register", "--json"], environment, "Missing expected argument '<id>'"),
                (["os", "list", "--json"], noOrg, "which organisation?"),
            ] {
                let usage = try await CLI.run(arguments, environment: env)
                let error = try #require(Self.jsonError(usage.stderr), "\(arguments): \(usage.stderr)")
                #expect(usage.status == 2 && usage.stdout.isEmpty, "\(arguments): \(usage)")
                #expect(error["code"] as? String == "usage" && error["status"] is NSNull, "\(arguments): \(usage.stderr)")
                #expect((error["message"] as? String)?.contains(words) == true, "\(arguments): \(usage.stderr)")
            }

            // Input echoed in the message stays inert inside the JSON too: no raw ESC reaches stderr.
            let hostile = try await CLI.run(["os", "show", "a\u{1B}[31mb", "--json"], environment: environment)
            let echoed = try #require(Self.jsonError(hostile.stderr), "\(hostile.stderr)")
            #expect(hostile.status == 1 && !hostile.stderr.unicodeScalars.contains { $0.value == 0x1B })
            #expect((echoed["message"] as? String)?.contains(#"a\u{1b}[31mb"#) == true, "\(hostile.stderr)")
            #expect(!(hostile.stdout + hostile.stderr).contains(cp.adminKey))
        }
    }

    /// No server: one sentence naming the cause and what to do, exit 1, and the credential never shown.
    @Test func unreachableServerSaysWhatToDo() async throws {
        let secret = "cpk_secret-looking"
        let refused = try await CLI.run(["org", "list", "--server", "http://127.0.0.1:1", "--token", secret], environment: [:])
        #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused)")
        #expect(
            refused.stderr
                == "controlplane: error: cannot reach the control plane at http://127.0.0.1:1 (connection refused): is `controlplane serve` "
                + "running there? Set CONTROL_PLANE_URL or --server to point elsewhere.\n",
            "\(refused.stderr)"
        )
        let json = try await CLI.run(
            ["org", "list", "--json"],
            environment: ["CONTROL_PLANE_URL": "http://127.0.0.1:1", "CONTROL_PLANE_TOKEN": secret]
        )
        let error = try #require(Self.jsonError(json.stderr), "\(json.stderr)")
        #expect(json.status == 1 && error["code"] as? String == "unreachable" && error["status"] is NSNull, "\(json.stderr)")
        #expect((error["message"] as? String)?.contains("(connection refused)") == true, "\(json.stderr)")
        // `.invalid` never resolves (RFC 6761).
        let unknown = try await CLI.run(
            ["org", "list", "--server", "http://controlplane.invalid:8080", "--token", secret],
            environment: [:]
        )
        #expect(unknown.status == 1, "\(unknown)")
        #expect(
            unknown.stderr.hasPrefix(
                "controlplane: error: cannot reach the control plane at http://controlplane.invalid:8080 "
                    + "(the host name 'controlplane.invalid' does not resolve)"
            ),
            "\(unknown.stderr)"
        )
        for output in [refused, json, unknown] { #expect(!(output.stdout + output.stderr).contains(secret)) }
    }

    /// `controlplane <arguments>` on a terminal of its own (util-linux `script`), typing `typed`;
    /// stdout and stderr arrive together, as on a terminal.
    static func onATerminal(_ arguments: [String], typed: String, environment: [String: String]) async throws -> CLI.Output {
        let command = ([CLI.binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        return try await CLI.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment, stdin: typed)
    }

    /// A destructive command asks on a terminal and acts only on y or yes; `--yes` skips the
    /// question, and without a terminal (scripts, this suite's scenarios) nothing is asked.
    @Test func destructiveCommandsAskOnATerminal() async throws {
        try await withServer { cp, environment in
            for typed in ["n\n", "", "maybe\n"] {
                let refused = try await Self.onATerminal(["os", "delete", "prod"], typed: typed, environment: environment)
                #expect(refused.status == 1, "\(typed.debugDescription): \(refused)")
                #expect(refused.stdout.contains("Delete OS prod with its keys and grants? [y/N]"), "\(refused.stdout)")
                #expect(refused.stdout.contains("not confirmed, nothing changed (pass --yes to skip the question)"), "\(refused.stdout)")
                #expect(!refused.stdout.contains("deleted OS prod"), "\(refused.stdout)")
            }
            let kept = try await CLI.run(["os", "show", "prod"], environment: environment)
            #expect(kept.status == 0 && kept.stdout.contains("Production"), "\(kept)")

            let agreed = try await Self.onATerminal(["os", "delete", "other"], typed: "yes\n", environment: environment)
            #expect(agreed.status == 0 && agreed.stdout.contains("deleted OS other"), "\(agreed)")
            let gone = try await CLI.run(["os", "show", "other"], environment: environment)
            #expect(gone.status == 1 && gone.stderr.contains("(HTTP 404)"), "\(gone)")

            // --yes on a terminal: no question, done.
            let skipped = try await Self.onATerminal(["member", "remove", "bob@example.com", "--yes"], typed: "", environment: environment)
            #expect(skipped.status == 0 && skipped.stdout.contains("removed bob@example.com"), "\(skipped)")
            #expect(!skipped.stdout.contains("[y/N]"), "\(skipped.stdout)")

            // No terminal: no question, with or without -y.
            let scripted = try await CLI.run(["role", "delete", "web-runner"], environment: environment)
            #expect(scripted.status == 0 && scripted.stdout == "deleted role web-runner\n" && scripted.stderr.isEmpty, "\(scripted)")
            let short = try await CLI.run(["os", "delete", "prod", "-y"], environment: environment)
            #expect(short.status == 0 && short.stdout == "deleted OS prod\n" && short.stderr.isEmpty, "\(short)")
            let members = try await CLI.run(["member", "list", "--json"], environment: environment)
            #expect(members.status == 0 && !members.stdout.contains("bob@example.com"), "\(members)")
            #expect(!(kept.stdout + agreed.stdout + skipped.stdout).contains(cp.adminKey))
        }
    }
}
