import Foundation
import PostgresNIO
import Testing

@testable import ControlPlane

#if canImport(Glibc)
    import Glibc
#endif

extension SystemTests {
    /// What `controlplane serve` checks and says on a first run (docs/operations.md, "First run";
    /// docs/security.md, 3.11).
    @Suite("First run")
    struct FirstRunTests {
        /// A listening socket on 127.0.0.1 (a port someone else holds), closed by `body`'s end.
        static func withBusyPort(_ body: (Int) async throws -> Void) async throws {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(socket >= 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(socket, socketAddress, length) == 0 && listen(socket, 1) == 0
                        && getsockname(socket, socketAddress, &length) == 0
                }
            }
            try #require(bound)
            try await body(Int(UInt16(bigEndian: address.sin_port)))
        }

        static func environment(_ name: String, dataDirectory: URL) async throws -> [String: String] {
            var environment = try await TestCluster.server().cliEnvironment(name)
            environment["CONTROL_PLANE_MASTER_KEYS"] = ControlPlaneHarness.masterKeyBase64
            environment["CONTROL_PLANE_MIGRATIONS_DIR"] = TestCluster.migrationsDirectory.path
            environment["CONTROL_PLANE_DATA_DIR"] = dataDirectory.path
            return environment
        }

        /// A busy port fails in words before the database or the data directory is touched.
        @Test func aBusyPortIsRefusedBeforeAnythingIsWritten() async throws {
            try await TestCluster.withNamedDatabase { postgres, _, name in
                let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cpf-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: dataDirectory) }
                let environment = try await Self.environment(name, dataDirectory: dataDirectory)
                try await Self.withBusyPort { port in
                    let output = try await CLI.run(["serve", "--port", "\(port)"], environment: environment)
                    #expect(output.status != 0, "\(output)")
                    #expect(output.stderr.contains("port \(port) on 127.0.0.1 is in use"), "\(output)")
                    #expect(!output.stderr.contains("bind("), "no raw socket error: \(output.stderr)")
                }
                #expect(!FileManager.default.fileExists(atPath: dataDirectory.path), "nothing written to the data directory")
                let keys = try await postgres.query("SELECT count(*) FROM setup_codes", logger: TestCluster.logger)
                    .decode(Int.self).collect()
                #expect(keys == [0], "no setup code: the database was not touched")
            }
        }

        /// A fresh control plane says where the console is and, off a terminal, where the setup
        /// link is; the link makes the first owner once.
        @Test func aFreshServerLeadsToTheConsoleAndTheSetupLink() async throws {
            try await TestCluster.withNamedDatabase { _, _, name in
                let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cpf-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: dataDirectory) }
                let environment = try await Self.environment(name, dataDirectory: dataDirectory)
                try await ServerProcess.withServer(CLI.binary, ["serve", "--port", "0"], environment: environment, seconds: 60) { server in
                    // The lines come with the "listening" one; give the pipe a moment.
                    try await Task.sleep(for: .milliseconds(300))
                    let linkFile = dataDirectory.appendingPathComponent("setup-link").path
                    #expect(server.output.contains("console: \(server.baseURL)/console"), "\(server.output)")
                    #expect(server.output.contains("first run: the link that creates the organisation and its owner"), "\(server.output)")
                    #expect(server.output.contains(linkFile) && !server.output.contains("cpf_"), "the code is never printed off a terminal")
                    let attributes = try FileManager.default.attributesOfItem(atPath: linkFile)
                    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                    let link = try String(contentsOfFile: linkFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(link.hasPrefix("\(server.baseURL)/console/setup#cpf_"), "\(link)")
                    let code = String(link.split(separator: "#").last ?? "")

                    let root = try await server.send("GET", "/", token: nil)
                    #expect(root.status == 302 && root.headers["location"] == "/console", "\(root.status) \(root.headers)")
                    #expect(try await server.send("GET", "/console/setup", token: nil).status == 200)
                    let body: [String: Any] = [
                        "code": code, "organization": ["slug": "acme", "name": "Acme"], "email": "ada@acme.test", "name": "Ada",
                        "password": "correct horse battery staple",
                    ]
                    let done = try await server.send("POST", "/v1/setup", token: nil, json: body)
                    #expect(done.status == 201 && done.json["role"] as? String == "owner", "\(done.text)")
                    let again = try await server.send("POST", "/v1/setup", token: nil, json: body)
                    #expect(again.status == 409, "\(again.text)")
                }
            }
        }
    }
}
