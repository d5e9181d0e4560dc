import Foundation
import Testing

@testable import ControlPlane

/// `CONTROL_PLANE_ISSUER` ends up in every OS's `.env`, which a shell sources (docs/security.md,
/// 3.10): anything but a plain http(s) URL is refused at start-up, and the origin written is
/// rebuilt from the parsed URL.
@Suite("Issuer setting")
struct IssuerSettingTests {
    @Test(arguments: [
        "http://127.0.0.1:8080", "https://cp.example.com", "https://cp.example.com/base", "http://[::1]:8080",
        "https://CP-1.example.com:8443",
    ])
    func plainURLsAreAccepted(_ issuer: String) throws {
        try ControlPlaneSettings.checkIssuer(issuer)
    }

    /// The attack's value (a shell substitution in the host) and its neighbours.
    @Test(arguments: [
        "http://x'$(touch${IFS}/tmp/pwned)'y:18080", "http://cp.example.com/`id`", "https://cp.example.com/a b", "ftp://cp.example.com",
        "https://user:pw@cp.example.com", "https://cp.example.com/?q=1", "https://cp.example.com/#f", "cp.example.com", "",
        "https://cp\".example.com", "https://cp.example.com/$HOME",
    ])
    func anythingElseIsRefusedInWords(_ issuer: String) throws {
        #expect(throws: ControlPlaneError.self) { try ControlPlaneSettings.checkIssuer(issuer) }
        do {
            try ControlPlaneSettings.checkIssuer(issuer)
        } catch let error as ControlPlaneError {
            #expect(error.description.hasPrefix("CONTROL_PLANE_ISSUER must be an http or https URL"), "\(error)")
        }
    }

    @Test func theOriginIsRebuiltFromTheParsedURL() {
        #expect(AgentOSEnvironment.origin(of: "https://cp.example.com:8443/base/") == "https://cp.example.com:8443")
        #expect(AgentOSEnvironment.origin(of: "http://[::1]:8080") == "http://[::1]:8080")
        #expect(AgentOSEnvironment.origin(of: "not a url") == "")
    }
}
