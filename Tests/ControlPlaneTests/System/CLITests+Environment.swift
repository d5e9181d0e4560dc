import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

extension SystemTests.CLITests {
    /// `os env --form jwks-file` writes the OS's JWKS file, never through a symlink
    /// (docs/security.md, 3.10; found by the attack on issue #26).
    @Test func osEnvWritesTheJWKSFileAndNeverThroughALink() async throws {
        try await withServer { cp, environment in
            let directory = try makeTemporaryDirectory(prefix: "osenv")
            defer { try? FileManager.default.removeItem(at: directory) }
            let written = try await CLI.run(
                ["os", "env", "prod", "--form", "jwks-file", "--dir", directory.path],
                environment: environment
            )
            #expect(written.status == 0, "\(written)")
            #expect(written.stdout.contains(#"JWT_JWKS_FILE="prod.jwks.json""#), "\(written.stdout)")
            let published = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            let file = try String(contentsOf: directory.appendingPathComponent("prod.jwks.json"), encoding: .utf8)
            #expect(file == published.text + "\n")

            // A link planted where the file goes is refused, and what it points at stays.
            let target = directory.appendingPathComponent("target.txt")
            try "keep".write(to: target, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(at: directory.appendingPathComponent("prod.jwks.json"))
            try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("prod.jwks.json"), withDestinationURL: target)
            let refused = try await CLI.run(
                ["os", "env", "prod", "--form", "jwks-file", "--dir", directory.path],
                environment: environment
            )
            #expect(refused.status == 1 && refused.stderr.contains("is not a regular file"), "\(refused)")
            #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
        }
    }

    /// A server that names another file (one to overwrite) gets nothing written.
    @Test func osEnvWritesNothingAHostileServerNames() async throws {
        let answer =
            #"{"os":"prod","verifier":"agno","form":"pem","env":"AGENT_OS_ID=\"prod\"\n","files":[{"name":"Makefile","content":"boom"}],"steps":[]}"#
        let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = sys.argv[1].encode()
                    self.send_response(200); self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            print('listening on http://127.0.0.1:%d' % s.server_port, flush=True)
            s.serve_forever()
            """
        let directory = try makeTemporaryDirectory(prefix: "osenv-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServerProcess.withServer("/usr/bin/python3", ["-c", script, answer], environment: [:]) { hostile in
            let environment = [
                "CONTROL_PLANE_URL": hostile.baseURL, "CONTROL_PLANE_TOKEN": "cps_x", "CONTROL_PLANE_ORG": "acme",
                "HOME": NSTemporaryDirectory(),
            ]
            let output = try await CLI.run(["os", "env", "prod", "--dir", directory.path, "--json"], environment: environment)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderr.contains(#""code":"unexpected_answer""#) && output.stderr.contains("Makefile"), "\(output.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("Makefile").path))
        }
    }
}
