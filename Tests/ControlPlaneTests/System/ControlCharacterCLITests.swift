import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import ControlPlane

extension SystemTests {
    @Suite("Control characters in names: the CLI")
    struct ControlCharacterCLITests {
        /// A name stored before the rule (written here straight into the database) reaches the
        /// terminal as escapes: no ESC, BEL or override byte in anything the CLI prints.
        @Test func theCLIPrintsStoredNamesInert() async throws {
            try await ControlPlaneHarness.run(live: true) { cp in
                try await cp.makeOrg()
                try await cp.makeOS()
                let user = try await cp.addMember("mallory@acme.test")
                let raw = "Mallory\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{202E}x"
                try await cp.database.query(
                    "UPDATE users SET name = \(raw) WHERE id = \(UUID(uuidString: user)!)",
                    logger: TestCluster.logger
                )
                let port = try #require(cp.client.port)
                let environment = [
                    "CONTROL_PLANE_URL": "http://127.0.0.1:\(port)", "CONTROL_PLANE_TOKEN": cp.adminKey, "CONTROL_PLANE_ORG": "acme",
                    "HOME": NSTemporaryDirectory(),
                ]
                for arguments in [["member", "list"], ["member", "update", "mallory@acme.test", "--role", "member"]] {
                    let output = try await CLI.run(arguments, environment: environment)
                    #expect(output.status == 0, "\(arguments): \(output.stderr)")
                    let bad = output.stdout.unicodeScalars.filter { [0x1B, 0x07, 0x202E].contains($0.value) }
                    #expect(bad.isEmpty, "\(arguments) printed raw control characters")
                    #expect(
                        output.stdout.contains(#"Mallory\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{202e}x"#),
                        "\(arguments): \(output.stdout)"
                    )
                }
                // Error messages quote the input back, so they must be inert too (they reach the same terminal).
                for arguments in [
                    ["os", "show", "a\u{1B}[31mb"], ["grant", "mallory@acme.test", "agents:\u{1B}]52;c;eA==\u{07}", "--os", "prod"],
                ] {
                    let output = try await CLI.run(arguments, environment: environment)
                    #expect(output.status != 0, "\(arguments)")
                    let bad = (output.stdout + output.stderr).unicodeScalars.filter { [0x1B, 0x07].contains($0.value) }
                    #expect(bad.isEmpty && output.stderr.contains(#"\u{1b}"#), "\(arguments): \(output.stderr)")
                }
            }
        }
    }
}
