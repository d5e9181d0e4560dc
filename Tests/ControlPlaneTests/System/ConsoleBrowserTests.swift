import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import ControlPlane

extension SystemTests {
    /// The console's journey (docs/console.md) in headless Chromium with Selenium, against a
    /// fresh control plane and a real Agno AgentOS (`examples/agno_os.py`) started from the `.env` the
    /// console offers. The browser work is `Tests/Browser/console_journey.py`; this test sets up the
    /// owner, runs it, and judges what it observed. Screenshots of every page land in
    /// `.build/test-output/console-journey/`. A missing browser is a failure, never a skip.
    @Suite("Console journey in a real browser")
    struct ConsoleBrowserTests {
        static let root = TestCluster.migrationsDirectory.deletingLastPathComponent()
        static let output = root.appendingPathComponent(".build/test-output/console-journey")
        static let ownerPassword = "owner's own password"
        static let bobPassword = "bob's password from the reset page"

        static func tool(_ variable: String, _ path: String) throws -> String {
            let configured = ProcessInfo.processInfo.environment[variable] ?? path
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw ChildProcess.Failure(
                    message:
                        "\(configured) not found: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does), or set \(variable)"
                )
            }
            return configured
        }

        @Test(.timeLimit(.minutes(5)))
        func ownerConnectsAnOSAndAliceUsesItFromHerBrowser() async throws {
            let chromium = try Self.tool("CHROMIUM", "/usr/bin/chromium")
            let chromedriver = try Self.tool("CHROMEDRIVER", "/usr/bin/chromedriver")
            let python = try await PythonEnvironment.python(
                installing: "agno[os]==3.1.10",
                "pyjwt[crypto]==2.15.1",
                "selenium==4.51.0",
                "zxing-cpp==3.1.1",
                "pypng==0.20220715.0",
                marker: "agno.os, jwt, cryptography, selenium, zxingcpp, png"
            )
            try? FileManager.default.removeItem(at: Self.output)
            try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)

            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                // A fresh control plane: the superuser key makes the organisation and invites its owner,
                // who chooses a password (as README's "first owner" does); everything else is the browser.
                try await cp.makeOrg()
                try await cp.addMember("owner@acme.test", role: "owner", password: Self.ownerPassword)
                let port = try #require(cp.client.port)
                let resetCode = try await Self.plantBob(cp)

                let started = Date()
                // Niced: two browsers and an AgentOS must not starve the suite's other live servers
                // (they share two cores); bounded by timeout(1) whatever happens inside.
                let run = try await PythonEnvironment.run(
                    "/usr/bin/nice",
                    [
                        "-n", "10", "/usr/bin/timeout", "180", python,
                        Self.root.appendingPathComponent("Tests/Browser/console_journey.py").path,
                        "--console", "http://127.0.0.1:\(port)", "--out", Self.output.path,
                        "--python", python, "--agno", AgnoInteropTests.script,
                        "--chromium", chromium, "--chromedriver", chromedriver,
                        "--owner-password", Self.ownerPassword, "--reset-code", resetCode,
                        "--bob-password", Self.bobPassword,
                    ]
                )
                let seconds = Date().timeIntervalSince(started)
                let line = run.output.split(separator: "\n").last { $0.hasPrefix("RESULT ") }
                let result = try #require(
                    line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(7).utf8)) as? [String: Any] },
                    "the journey failed (exit \(run.status)):\n\(run.output.suffix(6000))"
                )
                #expect(run.status == 0)

                // The session cookie: HttpOnly, SameSite=Strict, invisible to the page's script.
                let cookie = result["session_cookie"] as? [String: Any]
                #expect(cookie?["httpOnly"] as? Bool == true && cookie?["sameSite"] as? String == "Strict", "\(result)")
                #expect(result["script_sees_session"] as? Bool == false)
                // Usable without a manual: the empty state says what to do, the API's reason sits under its field.
                #expect(result["empty_state"] as? String == "No OS yet: connect your first AgentOS below.")
                let idRule =
                    "must be 1 to 128 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-', starting with a letter or digit"
                #expect((result["field_error"] as? String)?.hasPrefix("OS id 'not an id!' \(idRule)") == true, "\(result)")
                // The env modal and its .env download: the AgentOS started from exactly that file.
                #expect(result["env_download_matches_block"] as? Bool == true)
                #expect(result["env_lines"] as? [String] == ["AGENT_OS_ID", "JWT_VERIFICATION_KEY", "CORS_ORIGIN_LIST"])
                #expect(result["cors_line"] as? String == "CORS_ORIGIN_LIST='[\"http://127.0.0.1:\(port)\"]'")
                let probe = result["probe"] as? [String: String]
                #expect(probe == ["os_id": "prod", "auth_mode": "jwt", "match": "yes"], "the browser's /info probe: \(result)")
                // Invitation: the code travels in the fragment and leaves the address bar once used.
                #expect(result["invite_link_has_fragment_code"] as? Bool == true && result["invite_code_left_in_url"] as? Bool == false)
                // The grant was picked from the OS's own agent list.
                #expect(result["grant_picker"] as? [String] == ["*", "web-agent", "finance-agent"])
                // Alice, from her browser, straight to the OS with her own short-lived token.
                #expect(result["alice_sees_agents"] as? [String] == ["finance-agent", "web-agent"])
                #expect(result["web_agent_answer"] as? String == "echo: hello from the console")
                // A run's token carries only agents:<id>:run: without it, the control plane's refusal
                // is shown, and no broader token is minted in its place.
                for (key, agent) in [("finance_agent_refused", "finance-agent"), ("web_agent_after_revoke", "web-agent")] {
                    let refused = result[key] as? String ?? ""
                    #expect(refused.hasPrefix("the control plane gives you no token for agents:\(agent):run: "), "\(key): \(result)")
                    #expect(refused.contains("not held"), "\(key): \(refused)")
                }
                #expect((result["audit_chain"] as? String)?.hasPrefix("Chain intact") == true)
                // No console error in either browser but the failed fetches the journey provokes on
                // purpose (journey_checks.expected_failures: browser, URL, status, how often, why).
                #expect(result["severe_console_errors"] as? [String] == [], "\(result["severe_console_errors"] ?? "-")")
                // TOTP: the QR code drawn in the page, decoded from a screenshot of its canvas (zxing-cpp), says
                // exactly the otpauth:// URI the API answered (compared in the journey: the secret stays there).
                let decoded = result["qr_decoded_redacted"] ?? "-"
                #expect(result["qr_decoded_count"] as? Int == 1 && result["qr_is_api_uri"] as? Bool == true, "decoded: \(decoded)")
                #expect((result["qr_api_uri_path"] as? String)?.hasPrefix("otpauth://totp/") == true, "\(result)")
                #expect(result["recovery_codes"] as? Int == 10)
                #expect(result["signed_in_with_second_factor"] as? Bool == true)
                Self.judgeSafetyChecks(result)
                // The reset link set bob's password, once.
                let signIn = try await cp.send(
                    .post,
                    "/v1/auth/login",
                    json: ["email": "bob@acme.test", "password": Self.bobPassword],
                    key: .some(nil)
                )
                #expect(signIn.status == 201, "bob signs in with the password set on the reset page (a session): \(signIn.text)")

                // What the browser did is what the control plane holds: alice active, bound, no grant left.
                let members = try await cp.send(.get, "/v1/orgs/acme/members")
                let alice = (members.json["members"] as? [[String: Any]])?.first {
                    ($0["user"] as? [String: Any])?["email"] as? String == "alice@acme.test"
                }
                #expect(alice?["state"] as? String == "active" && alice?["role"] as? String == "member", "\(members.text)")
                let bindings = try await cp.send(.get, "/v1/orgs/acme/role-bindings")
                let aliceBindings = (bindings.json["role_bindings"] as? [[String: Any]])?
                    .filter { ($0["subject"] as? [String: Any])?["label"] as? String == "alice@acme.test" }
                    .map { "\($0["role"] ?? "")@\($0["os"] ?? "")" }
                #expect(aliceBindings == ["os-viewer@prod"], "\(bindings.text)")
                let grants = try await cp.send(.get, "/v1/orgs/acme/os/prod/grants")
                #expect((grants.json["grants"] as? [Any])?.isEmpty == true, "\(grants.text)")

                // A screenshot of every page, some of them also at 390 px; every page fits a 390-px-wide window.
                let shots = try FileManager.default.contentsOfDirectory(atPath: Self.output.path).filter { $0.hasSuffix(".png") }
                let pages = [
                    "01-sign-in", "02-connect-os", "03-env-modal", "04-os-settings", "05-members", "06-invite", "07-access",
                    "08-use-the-os", "09-use-the-os-refused", "10-use-the-os-after-revoke", "11-tokens", "12-audit", "13-oses",
                    "14-account", "15-organisations", "16-account-mfa-qr", "16-account-mfa", "17-sign-in-totp", "01-sign-in-390px",
                    "06-invite-390px",
                    "08-use-the-os-390px", "13-oses-390px", "18-use-the-os-target", "19-use-the-os-narrowed",
                    "20-members-inert-name", "21-reset", "21-reset-390px", "21-reset-done", "21-reset-used",
                ]
                #expect(Set(pages.map { $0 + ".png" }).subtracting(shots).isEmpty, "missing screenshots; have \(shots.sorted())")
                Self.judgeNarrowLayout(result, pages: pages)
                print(
                    "console journey: \(String(format: "%.1f", seconds)) s (browser part \(result["seconds"] ?? "?") s), screenshots in \(Self.output.path)"
                )
            }
        }

        /// bob: a member whose name holds ESC (a terminal's "clear screen") and a right-to-left
        /// override, written straight to the database as a row from before the server refused such
        /// names; and a reset code for him from the superuser key (its link: `…/console/reset#<code>`).
        static func plantBob(_ cp: ControlPlaneHarness) async throws -> String {
            try await cp.addMember("bob@acme.test", password: "bob's first password")
            let name = "Bob\u{1b}[2J\u{202e}evil"
            try await cp.database.query("UPDATE users SET name = \(name) WHERE email = 'bob@acme.test'", logger: TestCluster.logger)
            let reset = try await cp.send(.post, "/v1/users/bob@acme.test/password-reset")
            let code = try #require(reset.json["code"] as? String, "\(reset.status) \(reset.text)")
            #expect((reset.json["url"] as? String)?.hasSuffix("/console/reset#\(code)") == true, "\(reset.text)")
            return code
        }

        /// At 390 x 844 (journey_checks.narrow_layout), each page is no wider than the window's viewport
        /// (`scrollWidth`, the document's content width, against the viewport less a scroll bar) and no
        /// visible element reaches past it.
        static func judgeNarrowLayout(_ result: [String: Any], pages: [String]) {
            let layouts = result["layout_390"] as? [String: [String: Any]] ?? [:]
            #expect(Set(layouts.keys) == Set(pages), "pages judged at 390 px: \(layouts.keys.sorted())")
            for (page, layout) in layouts.sorted(by: { $0.key < $1.key }) {
                let inner = layout["inner_width"] as? Int ?? 0
                let viewport = layout["client_width"] as? Int ?? 0
                let content = layout["scroll_width"] as? Int ?? .max
                #expect(inner == 390 && viewport > 0 && viewport <= inner && content <= viewport, "\(page): \(layout)")
                #expect(layout["overflowing"] as? [String] == [], "\(page) overflows at 390 px: \(layout["overflowing"] ?? "-")")
            }
        }

        /// The console's part of docs/security.md's attacks (F2 and F5) and the single-use reset
        /// link, as the journey observed them (Tests/Browser/journey_safety.py).
        static func judgeSafetyChecks(_ result: [String: Any]) {
            // "Use the OS" opened as #/o/acme/use?os=capture: that OS, its URL shown, nothing sent before the click.
            #expect(result["use_query_page"] as? String == "Use the OS" && result["use_query_os"] as? String == "capture", "\(result)")
            let url = result["capture_url"] as? String ?? "?"
            #expect(result["use_target"] as? String == url && (result["use_send_label"] as? String)?.hasSuffix("from \(url)") == true)
            #expect(result["tokens_before_consent"] as? Int == 0)
            #expect(result["capture_run"] as? String == "captured")
            // Every token the capture OS received (Use the OS, then the grant picker): the scopes of its
            // one call, 60 s at most, for that OS, and never one token for two calls.
            let tokens = result["capture_tokens"] as? [[String: Any]] ?? []
            let needs = [
                "GET /agents": ["agents:read"], "GET /teams": ["teams:read"], "GET /workflows": ["workflows:read"],
                "POST /agents/capture-agent/runs": ["agents:capture-agent:run"],
            ]
            let calls = tokens.map { "\($0["method"] ?? "") \($0["path"] ?? "")" }
            #expect(calls.sorted() == (Array(needs.keys) + ["GET /agents", "GET /teams", "GET /workflows"]).sorted(), "\(tokens)")
            for (call, token) in zip(calls, tokens) {
                #expect(token["scopes"] as? [String] == needs[call], "\(call): \(token)")
                #expect((token["lifetime"] as? Int).map { $0 <= 60 } == true && token["aud"] as? String == "capture", "\(call): \(token)")
            }
            #expect(Set(tokens.compactMap { $0["jti"] as? String }).count == tokens.count, "one token per call: \(tokens)")
            // The OS listed an agent "*" too: offered in neither picker (agents:*:run is every agent),
            // and the Use page says one was left out.
            #expect(result["run_options"] as? [String] == ["capture-agent"], "\(result["run_options"] ?? "-")")
            // The grant picker's one "*" is its own "every agent" choice, for the admin to make; the OS's
            // "*" is not listed as if it were one agent.
            #expect((result["grant_options"] as? [String])?.filter { $0 == "*" }.count == 1, "\(result["grant_options"] ?? "-")")
            #expect((result["use_unusable"] as? String)?.contains("1 agent(s) with an id that cannot name one agent") == true)
            // A stored name's control characters are shown as escapes, none reaches the page raw.
            #expect(result["bob_name_shown"] as? String == #"Bob\u{1b}[2J\u{202e}evil"#, "\(result)")
            #expect(result["members_page_raw_controls"] as? Bool == false)
            // The reset page: both fields must match, the code works once, then leaves the address bar.
            #expect(result["reset_mismatch"] as? String == "the two passwords differ")
            #expect((result["reset_done"] as? String)?.hasPrefix("Your new password is set") == true, "\(result)")
            #expect(result["reset_code_left_in_url"] as? Bool == false)
            #expect((result["reset_used"] as? String)?.contains("invalid, already used or expired") == true, "\(result)")
        }
    }
}
