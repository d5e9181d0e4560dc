import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

/// `/console` is served from the repository's `Console/` with a strict Content-Security-Policy,
/// and every answer of the control plane carries the browser hardening headers.
@Suite("Console files and security headers")
struct ConsoleServingTests {
    static let csp = HTTPField.Name("Content-Security-Policy")!
    static let nosniff = HTTPField.Name("X-Content-Type-Options")!
    static let referrer = HTTPField.Name("Referrer-Policy")!
    static let frame = HTTPField.Name("X-Frame-Options")!

    @Test func pagesAndAssetsAreServedWithAStrictPolicy() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            // The invitation and reset links' pages too: their codes stay in the fragment.
            for path in ["/console", "/console/invite", "/console/reset"] {
                let page = try await cp.send(.get, path, key: .some(nil))
                #expect(page.status == 200, "\(path): \(page.text)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.text.contains("<script type=\"module\" src=\"/console/assets/app.js\"></script>"))
                let policy = try #require(page.headers[Self.csp])
                let directives = Dictionary(
                    uniqueKeysWithValues: policy.split(separator: ";").map { directive in
                        let words = directive.split(separator: " ").map(String.init)
                        return (words[0], Array(words.dropFirst()))
                    }
                )
                #expect(directives["default-src"] == ["'none'"] && directives["script-src"] == ["'self'"], "\(policy)")
                #expect(directives["style-src"] == ["'self'"] && directives["frame-ancestors"] == ["'none'"], "\(policy)")
                #expect(directives["base-uri"] == ["'none'"] && !policy.contains("unsafe"), "no inline script or eval: \(policy)")
                #expect(page.headers[Self.nosniff] == "nosniff" && page.headers[Self.referrer] == "no-referrer")
                #expect(page.headers[Self.frame] == "DENY")
            }
            let script = try await cp.send(.get, "/console/assets/app.js", key: .some(nil))
            #expect(script.status == 200 && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[Self.csp]?.contains("script-src 'self'") == true && script.headers[.cacheControl] == "no-cache")
            let style = try await cp.send(.get, "/console/assets/console.css", key: .some(nil))
            #expect(style.status == 200 && style.headers[.contentType] == "text/css; charset=utf-8")
            // The reset page is documented as public, next to the invitation page.
            #expect(DocumentRules.document.isPublic(method: "GET", path: "/console/reset"))
        }
    }

    @Test func onlyTheConsolesOwnFilesAreServed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            for path in [
                "/console/assets/nope.js", "/console/assets/..%2FPackage.swift", "/console/assets/%2E%2E%2Fcontrolplane",
                "/console/assets/index.html", "/console/assets/.hidden.js", "/console/assets/app.js.map",
            ] {
                let reply = try await cp.send(.get, path, key: .some(nil))
                #expect(reply.status == 404 && reply.errorCode == "not_found", "\(path): \(reply.status) \(reply.text)")
                #expect(reply.headers[Self.nosniff] == "nosniff")
            }
            #expect(ConsoleAssets.isServable("app.js") && ConsoleAssets.isServable("qr-code.js"))
            for name in ["../x.js", ".x.js", "x.js.map", "x", "x.exe", "a/b.js", "é.js"] {
                #expect(!ConsoleAssets.isServable(name), "\(name)")
            }
        }
    }

    @Test func apiAnswersCarryTheHardeningHeadersToo() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let ok = try await cp.send(.get, "/v1/orgs")
            let refused = try await cp.send(.get, "/v1/orgs", key: .some(nil))
            #expect(ok.status == 200 && refused.status == 401 && refused.errorCode == "unauthorized", "\(refused.text)")
            for reply in [ok, refused] {
                #expect(reply.headers[Self.csp] == "default-src 'none'; frame-ancestors 'none'")
                #expect(reply.headers[Self.nosniff] == "nosniff" && reply.headers[Self.referrer] == "no-referrer")
                #expect(reply.headers[Self.frame] == "DENY")
            }
        }
    }

    @Test func aMissingConsoleIsAClearError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: CocoaError.self) { try ConsoleAssets(directory: empty) }
        #expect(ConsoleAssets.defaultDirectory(environment: ["CONTROL_PLANE_CONSOLE_DIR": empty.path])?.path == empty.path)
        // Without the variable, the repository's Console/ is found (from any working directory).
        #expect(
            ConsoleAssets.defaultDirectory(environment: [:])?.appendingPathComponent("index.html").path.hasSuffix("Console/index.html")
                == true
        )
    }
}
