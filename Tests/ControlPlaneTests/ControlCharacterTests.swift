import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import ControlPlane

/// docs/security.md, F5 (CWE-150): an invitee chooses a name with ESC/OSC sequences and waits
/// for an admin's `controlplane member list` to print them raw. Names are refused with control or
/// formatting characters at input, and the CLI shows anything already stored as visible escapes
/// (docs/security.md, "Names are inert text").
@Suite("Control characters in names")
struct ControlCharacterTests {
    /// OSC 52 (writes the clipboard), a screen clear, a right-to-left override, a zero-width space,
    /// a line separator: Unicode Cc, Cf and Zl.
    static let hostile: [(String, String)] = [
        ("Mallory\u{1B}]52;c;ZXZpbA==\u{07}", "U+001B"), ("\u{1B}[2JMallory", "U+001B"),
        ("Mallory\u{202E}gnp.exe", "U+202E"), ("Mal\u{200B}lory", "U+200B"), ("Mal\u{2028}lory", "U+2028"),
    ]

    @Test(arguments: 0..<hostile.count)
    func everyNameRefusesThem(_ index: Int) async throws {
        let (name, code) = Self.hostile[index]
        try await ControlPlaneHarness.run { cp in
            try await cp.makeOrg()
            let user = try await cp.addMember("ada@acme.test", role: "admin")
            let key = try await cp.apiKey(forUser: user)
            let invited = try await cp.invite("new@acme.test")
            let attempts: [(String, String, [String: Any], String??)] = [
                ("org", "/v1/orgs", ["slug": "evil", "name": name], .none),
                ("member", "/v1/orgs/acme/members", ["email": "x@acme.test", "name": name, "role": "member"], .none),
                ("OS", "/v1/orgs/acme/os", ["id": "evil", "name": name], .none),
                ("service account", "/v1/orgs/acme/service-accounts", ["name": name], .none),
                ("role name", "/v1/orgs/acme/roles", ["slug": "evil", "name": name, "scopes": ["agents:read"]], .none),
                ("role description", "/v1/orgs/acme/roles", ["slug": "evil", "description": name, "scopes": ["agents:read"]], .none),
                ("API key", "/v1/api-keys", ["name": name], .some(key)),
                (
                    "invitation", "/v1/invitations/accept", ["code": invited.code, "name": name, "password": "a long password 1"],
                    .some(nil)
                ),
            ]
            for (what, path, body, credential) in attempts {
                try await cp.expectRefused(
                    .post,
                    path,
                    json: body,
                    key: credential,
                    status: 400,
                    message: "control or formatting characters (found \(code))",
                    note: "\(what): "
                )
            }
            // Nothing was made: the invitation is still open, no OS, role or account exists.
            #expect(try await cp.acceptInvitation(invited.code, name: "New", password: "a long password 1").status == 201)
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/evil", status: 404, message: "evil")
            try await cp.expectRefused(.get, "/v1/orgs/acme/roles/evil", status: 404, message: "evil")
            #expect(try await cp.count("SELECT count(*) FROM users WHERE email = 'x@acme.test'") == 0)
        }
    }
}
