import ControlPlane
import Foundation
import Logging
import PostgresNIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension SystemTests {
    @Suite("Embedded PostgreSQL launcher")
    struct EmbeddedPostgresTests {
        /// Starts a private cluster in a temporary directory and always stops and removes it.
        func withCluster(_ body: (EmbeddedPostgres) async throws -> Void) async throws {
            let directory = try makeTemporaryDirectory(prefix: "cpl")
            let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false)
            // Stopped on both paths by hand: `stop()` is async, which a `defer` cannot await.
            do {
                try await body(cluster)
            } catch {
                try? await cluster.stop()
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
            try? await cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }

        func count(_ sql: String, in cluster: EmbeddedPostgres) async throws -> Int {
            try await DatabaseStartup.withClient(cluster.clientConfiguration(database: "postgres"), logger: TestCluster.logger) {
                client in
                let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger)
                var result = 0
                for try await value in rows.decode(Int.self) { result = value }
                return result
            }
        }

        @Test func startsOnAUnixSocketOnlyAndStops() async throws {
            try await withCluster { cluster in
                try await cluster.start(logger: TestCluster.logger)
                #expect(cluster.isRunning)
                #expect(FileManager.default.fileExists(atPath: cluster.socketPath))
                #expect(try await count("SELECT 41 + 1", in: cluster) == 42)
                let settings = try String(contentsOf: cluster.clusterDirectory.appendingPathComponent("controlplane.conf"), encoding: .utf8)
                #expect(settings.contains("listen_addresses = ''"))
                // Owner-only socket directory and server log: no other local user connects or reads it.
                #expect(SecretFile.mode(cluster.socketDirectory) == 0o700)
                #expect(SecretFile.mode(cluster.logFile.path) == 0o600)
                let pid = try #require(cluster.postmasterPID)
                try await cluster.stop()
                #expect(!cluster.isRunning)
                // The pid file goes just before the process exits: allow a moment.
                for _ in 0..<40 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
                #expect(kill(pid, 0) != 0, "postmaster still alive after stop")
            }
        }

        @Test func restartKeepsDataOfAnExistingDirectory() async throws {
            try await withCluster { cluster in
                try await cluster.start(logger: TestCluster.logger)
                try await DatabaseStartup.withClient(cluster.clientConfiguration(database: "postgres"), logger: TestCluster.logger) {
                    try await $0.query("CREATE TABLE survivor (id int)", logger: TestCluster.logger)
                    try await $0.query("INSERT INTO survivor VALUES (7)", logger: TestCluster.logger)
                }
                try await cluster.stop()
                try await cluster.start(logger: TestCluster.logger)
                #expect(try await count("SELECT id FROM survivor", in: cluster) == 7)
            }
        }

        @Test func stalePidFileOfAnotherProcessIsRemoved() async throws {
            try await withCluster { cluster in
                try await cluster.start(logger: TestCluster.logger)
                try await cluster.stop()
                // A pid file naming a live process that is not PostgreSQL (this test process).
                let pidFile = cluster.clusterDirectory.appendingPathComponent("postmaster.pid")
                try "\(getpid())\n\(cluster.clusterDirectory.path)\n".write(to: pidFile, atomically: true, encoding: .utf8)
                try await cluster.start(logger: TestCluster.logger)
                #expect(cluster.isRunning)
                #expect(try await count("SELECT 1", in: cluster) == 1)
            }
        }

        @Test func recoversAfterThePostmasterWasKilled() async throws {
            try await withCluster { cluster in
                try await cluster.start(logger: TestCluster.logger)
                let pid = try #require(cluster.postmasterPID)
                kill(pid, SIGKILL)
                for _ in 0..<100 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
                // Orphaned backends exit once they notice; wait for them (their cwd is the cluster).
                for _ in 0..<200 where !processes(in: cluster.clusterDirectory).isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                #expect(processes(in: cluster.clusterDirectory).isEmpty, "backends of the killed postmaster are still running")
                try await cluster.start(logger: TestCluster.logger)
                #expect(try await count("SELECT 2", in: cluster) == 2)
            }
        }

        @Test func deepDataDirectoryGetsAShortSocketPath() throws {
            let deep = URL(fileURLWithPath: "/tmp/" + String(repeating: "nested-directory/", count: 8))
            let cluster = try EmbeddedPostgres(dataDirectory: deep)
            #expect(cluster.socketPath.utf8.count <= 107)
            #expect(cluster.socketDirectory.hasPrefix("/tmp/controlplane-pg-"))
            let shallow = try EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: "/tmp/cp"))
            #expect(shallow.socketDirectory == "/tmp/cp/run")
        }

        @Test func missingBinariesNameThePackageAndTheAlternative() {
            #expect {
                try PostgresBinaries.locate(path: "/nonexistent", libRoot: "/nonexistent")
            } throws: { error in
                let message = "\(error)"
                return message.contains("apt-get install postgresql") && message.contains("DATABASE_URL")
                    && !message.contains("\n")
            }
        }

        /// Processes whose working directory is `directory` (PostgreSQL's backends run in their data directory).
        func processes(in directory: URL) -> [Int32] {
            let target = directory.resolvingSymlinksInPath().path
            let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
            return pids.filter { pid in
                guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
                return URL(fileURLWithPath: cwd).resolvingSymlinksInPath().path == target
            }
        }
    }
}
