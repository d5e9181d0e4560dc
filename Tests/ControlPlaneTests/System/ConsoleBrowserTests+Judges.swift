import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import ControlPlane

/// What the journey's results must show, checked against the API's own answers.
extension SystemTests.ConsoleBrowserTests {
    /// The first owner: a fresh console says how the first owner comes to be (the words of
    /// docs/security.md 3.11's link), the setup link refuses a wrong code in words, makes the
    /// organisation and its owner, signed in on its OSes page, and says "done" once used; its code
    /// is never in a URL the page requests, nor left in the address bar.
    static func judgeFirstOwner(_ result: [String: Any]) {
        #expect(
            result["fresh_signin_hint"] as? String
                == "This control plane has no organisation yet. Open the setup link controlplane serve printed in its terminal (or in .controlplane/setup-link).",
            "\(result["fresh_signin_hint"] ?? "-")"
        )
        let after = result["signin_hint_after_setup"] as? [String: String]
        #expect(after == ["open": "false", "text": ""], "the sign-in page after setup: \(after ?? [:])")
        let refused = result["setup_refused"] as? String ?? ""
        #expect(
            refused.contains("unknown, used or expired") && refused.contains("Restart controlplane serve for a new link"),
            "\(refused)"
        )
        #expect(result["setup_slug_suggested"] as? String == "acme")
        #expect(result["setup_code_left_in_url"] as? Bool == false && result["setup_again_code_left_in_url"] as? Bool == false)
        #expect(result["setup_landed"] as? String == "#/o/acme/os" && result["setup_landed_page"] as? String == "OSes", "\(result)")
        let requests = result["setup_requests"] as? [String: Any] ?? [:]
        #expect((requests["sent"] as? Int ?? 0) > 0 && requests["code_in_setup_body"] as? Bool == true, "\(requests)")
        #expect(requests["naming_the_code"] as? [String] == [], "the setup code in a URL or header: \(requests)")
        #expect((result["setup_again"] as? String)?.contains("already has an organisation: sign in instead") == true, "\(result)")
    }

    /// The OS for stock Agno (docs/keys.md, "What verifies the OS" and "Starting an OS from its
    /// .env"): no algorithm menu, the .env dialog offers the PEM and the JWKS file and no JWKS URL,
    /// the downloads are the API's text and keys, and "Use the OS" works before staging, after it
    /// and after activation, with the AgentOS restarted from a JWKS file holding both keys.
    static func judgeStockAgnoOS(_ result: [String: Any], cp: ControlPlaneHarness, console: String) async throws {
        #expect(result["verifier_default"] as? String == "agno", "\(result)")
        #expect(result["algorithm_menu_for_agno"] as? Bool == false && result["algorithm_menu_for_agentos_auth"] as? Bool == true)
        #expect(result["algorithm_options"] as? [String] == ["RS256", "ES256", "EdDSA"])
        #expect((result["agno_rs256_hint"] as? String)?.contains("RS256 only") == true, "\(result)")
        #expect(result["env_forms"] as? [String] == ["env-form-pem", "env-form-jwks-file"], "\(result["env_forms"] ?? "-")")
        #expect(result["env_default_form"] as? String == "env-form-pem" && result["jwks_url_offered"] as? Bool == false)
        #expect(result["env_lines_pem"] as? [String] == ["AGENT_OS_ID", "JWT_VERIFICATION_KEY", "CORS_ORIGIN_LIST"])
        #expect(result["env_lines"] as? [String] == ["AGENT_OS_ID", "JWT_JWKS_FILE", "CORS_ORIGIN_LIST"])
        #expect(result["env_download_matches_block"] as? Bool == true)
        #expect(result["cors_line"] as? String == "CORS_ORIGIN_LIST='[\"\(console)\"]'")
        #expect(result["jwks_file_name"] as? String == "prod.jwks.json")
        // The page shows the server's one generator: its env text and steps, as the API answers them.
        let env = try await cp.send(.get, "/v1/orgs/acme/os/prod/env?form=jwks-file")
        #expect(env.json["env"] as? String == result["env_downloaded"] as? String, "\(env.text)")
        let steps = (env.json["steps"] as? [String] ?? []).map { $0.replacingOccurrences(of: "`", with: "") }
        #expect(!steps.isEmpty && result["env_steps"] as? [String] == steps, "\(result["env_steps"] ?? "-") vs \(steps)")
        // The files held the published keys: the first key, then both; the staged one now signs.
        let keys = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys")
        let states = Dictionary(
            (keys.json["keys"] as? [[String: Any]] ?? []).map { ($0["kid"] as? String ?? "", $0["state"] as? String ?? "") },
            uniquingKeysWith: { first, _ in first }
        )
        let active = states.filter { $0.value == "active" }.map(\.key)
        let retiring = states.filter { $0.value == "retiring" }.map(\.key)
        #expect(active == [result["staged_kid"] as? String ?? "-"] && retiring.count == 1, "\(keys.text)")
        #expect(result["jwks_file_kids"] as? [String] == retiring, "the first file: \(result["jwks_file_kids"] ?? "-")")
        #expect(result["jwks_file_kids_after_staging"] as? [String] == (active + retiring).sorted(), "\(keys.text)")
        #expect((result["jwks_fetch_line_agno"] as? String)?.contains("Stock Agno fetches nothing") == true, "\(result)")
        // Staging never broke the OS, and the restart from the new file made activation safe.
        for step in ["use_before_staging", "use_after_staging", "use_after_activation"] {
            #expect(result[step] as? [String] == ["finance-agent", "web-agent"], "\(step): \(result[step] ?? "-")")
        }
        let question = result["activate_question"] as? String ?? ""
        #expect(
            question
                == "prod runs stock Agno: it accepts tokens of this key only after a restart with the new .env (JWKS file). Activate now?",
            "\(question)"
        )
        // This project's verifier: a schedule menu, and the activation question speaks of JWKS fetches.
        #expect(
            result["schedule_menu_for_agno"] as? Bool == false
                && (result["schedule_for_agno"] as? String)?.hasPrefix("No schedule") == true
        )
        #expect((result["verifier_shown"] as? String)?.hasSuffix("(agentos-auth)") == true, "\(result)")
        #expect(
            (result["jwks_fetch_line"] as? String)?.hasPrefix("No verifier of this OS has reported a JWKS fetch") == true,
            "\(result)"
        )
        #expect(
            (result["activate_question_agentos_auth"] as? String)?.hasPrefix("No verifier of prod has reported a JWKS fetch") == true
        )
        #expect(result["dismissed_key_state"] as? String == "pending", "a dismissed question activates nothing: \(result)")
        #expect((result["verifier_switch_refused"] as? String)?.contains("end the schedule first") == true, "\(result)")
        #expect((result["verifier_final"] as? String)?.hasSuffix("(agno)") == true, "\(result)")
        let os = try await cp.send(.get, "/v1/orgs/acme/os/prod")
        #expect(os.json["verifier"] as? String == "agno" && os.json["rotation_period"] is NSNull, "\(os.text)")
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
