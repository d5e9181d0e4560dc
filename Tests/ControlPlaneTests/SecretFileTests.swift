import Foundation
import Testing

@testable import ControlPlane

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets at rest on the machine: key files are 0600 from creation, refused when
/// opened up, and the embedded cluster's socket directory is never someone else's.
@Suite("Secret files and the socket directory")
struct SecretFileTests {
    @Test func keyFilesAreCreatedPrivateAndExclusively() throws {
        let directory = try makeTemporaryDirectory(prefix: "cpsf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("admin.key").path
        let previous = umask(0)  // even with a permissive umask, never a moment wider than 0600
        defer { umask(previous) }
        try SecretFile.create(path, contents: Data("secret\n".utf8))
        #expect(SecretFile.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "secret\n")
        // Never through an existing file or a planted symlink.
        #expect(throws: ControlPlaneError.self) { try SecretFile.create(path, contents: Data("other".utf8)) }
        let link = directory.appendingPathComponent("link.key").path
        symlink(directory.appendingPathComponent("target").path, link)
        #expect(throws: ControlPlaneError.self) { try SecretFile.create(link, contents: Data("x".utf8)) }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("target").path))
    }

    @Test func generatedMasterKeyFileIsRefusedOnceOthersCanReadIt() throws {
        let directory = try makeTemporaryDirectory(prefix: "cpmk")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("master.key")
        let first = try MasterKeys.load(environment: [:], generateInto: file)
        #expect(SecretFile.mode(file.path) == 0o600)
        #expect(try MasterKeys.load(environment: [:], generateInto: file).currentID == first.currentID)
        chmod(file.path, 0o644)
        #expect(throws: ControlPlaneError.self) { try MasterKeys.load(environment: [:], generateInto: file) }
    }

    @Test func aSocketDirectoryOfTheWrongModeIsNotReused() async throws {
        let directory = try makeTemporaryDirectory(prefix: "cpsd")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false)
        // Someone made it first, open to others: start refuses before initdb runs.
        try FileManager.default.createDirectory(atPath: cluster.socketDirectory, withIntermediateDirectories: true)
        chmod(cluster.socketDirectory, 0o777)
        do {
            try await cluster.start(logger: TestCluster.logger)
            Issue.record("started with a world-writable socket directory")
            try? await cluster.stop()
        } catch {
            #expect("\(error)".contains("refusing to use the socket directory"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: cluster.clusterDirectory.appendingPathComponent("PG_VERSION").path))
    }
}
