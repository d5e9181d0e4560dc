import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import ControlPlane

/// The control plane the browser journey runs against, and the people planted in it.
extension SystemTests.ConsoleBrowserTests {
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

    /// The pages the journey saves, some of them also at 390 px.
    static let pages = [
        "01-sign-in", "02-connect-os", "03-env-modal", "04-os-settings", "05-members", "06-invite", "07-access",
        "08-use-the-os", "09-use-the-os-refused", "10-use-the-os-after-revoke", "11-tokens", "12-audit", "13-oses",
        "14-account", "15-organisations", "16-account-mfa-qr", "16-account-mfa", "17-sign-in-totp", "01-sign-in-390px",
        "06-invite-390px", "08-use-the-os-390px", "13-oses-390px", "18-use-the-os-target", "19-use-the-os-narrowed",
        "20-members-inert-name", "21-reset", "21-reset-390px", "21-reset-done", "21-reset-used",
        // The first hour (issue #26).
        "00-setup-refused", "00-setup", "00-setup-390px", "00-setup-done", "02-connect-os-390px", "03-env-modal-390px",
        "04-os-settings-390px", "04-os-settings-staged", "04-os-settings-staged-390px", "04-os-settings-agentos-auth",
    ]

    /// Pages `Tests/Browser/journey_admin.py` saves (issue #26's admin pages, plugged in at the
    /// journey's end; it judges their 390-px layout itself); its helper lists them here.
    static let adminPages: [String] = []

    /// `ControlPlaneHarness.run(live: true)`, but served on `port` with its issuer at that address,
    /// as `serve` is: the `.env` the server generates names the issuer's origin in
    /// CORS_ORIGIN_LIST, so the AgentOS started from it lets this console (same origin) call it.
    /// (HummingbirdTesting's live mode always picks its own port, so the server runs here and the
    /// harness's `send` goes through the same router in-process.)
    static func withControlPlane(
        on port: Int,
        statusListTTL: TimeInterval? = nil,
        _ body: @Sendable (ControlPlaneHarness) async throws -> Void
    ) async throws {
        let settings = {
            var settings = ControlPlaneHarness.settings
            settings.issuer = "http://127.0.0.1:\(port)"
            if let statusListTTL { settings.statusListTTL = statusListTTL }
            return settings
        }()
        try await ControlPlaneHarness.withRouter(settings: settings) { router, harness in
            let listening = AsyncStream<Void>.makeStream()
            let app = Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: port)),
                onServerRunning: { _ in listening.continuation.finish() },
                logger: TestCluster.logger
            )
            let server = ServiceGroup(services: [app], logger: TestCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    defer { listening.continuation.finish() }
                    try await server.run()
                }
                for await _ in listening.stream {}
                let result: Result<Void, any Error>
                do {
                    result = .success(try await app.test(.router) { client in try await body(harness(client)) })
                } catch {
                    result = .failure(error)
                }
                await server.triggerGracefulShutdown()
                try await tasks.waitForAll()
                try result.get()
            }
        }
    }

    /// Once the browser's setup made organisation `acme`, plants bob in it (``plantBob``) and writes
    /// his reset code to `file`, which the journey waits for; returns quietly if cancelled first.
    static func plantBobOnceSetUp(_ cp: ControlPlaneHarness, writingCodeTo file: URL) async throws {
        while try await cp.send(.get, "/v1/orgs/acme").status != 200 {
            guard (try? await Task.sleep(for: .milliseconds(200))) != nil else { return }
        }
        let code = try await plantBob(cp)
        try code.write(to: file, atomically: true, encoding: .utf8)
    }
}
