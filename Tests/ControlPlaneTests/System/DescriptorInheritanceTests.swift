import ControlPlane
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension SystemTests {
    /// Children get stdin, stdout and stderr and none of this process's other descriptors, even one
    /// opened without O_CLOEXEC: a socket we close must not live on in a child that inherited it
    /// (a closed listener's port, a finished connection), least of all in a postmaster that
    /// outlives the pg_ctl that started it.
    @Suite("Child processes inherit only the standard descriptors")
    struct DescriptorInheritanceTests {
        /// A file opened without O_CLOEXEC, so only the spawner can keep it from a child.
        func withInheritableDescriptor(_ body: (_ descriptor: Int32, _ path: String) async throws -> Void) async throws {
            let path = NSTemporaryDirectory() + "cp-inheritable-\(UUID().uuidString)"
            let descriptor = open(path, O_RDONLY | O_CREAT, 0o600)
            try #require(descriptor > 2)
            defer {
                close(descriptor)
                unlink(path)
            }
            try await body(descriptor, path)
        }

        @Test func aCommandHoldsExactlyStdinStdoutAndStderr() async throws {
            try await withInheritableDescriptor { descriptor, _ in
                // `$$` is the shell itself, not the `ls` that reads the directory (and holds it open).
                let listing = try await CLI.run("/bin/sh", ["-c", "ls /proc/$$/fd"], environment: [:])
                #expect(listing.status == 0, "\(listing.stderr)")
                let descriptors = listing.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
                #expect(descriptors.sorted() == [0, 1, 2], "the child holds \(descriptors) (ours: \(descriptor))")
            }
        }

        @Test func theEmbeddedPostmasterHoldsNoneOfOurs() async throws {
            try await withInheritableDescriptor { _, path in
                let directory = try makeTemporaryDirectory(prefix: "cpfd")
                let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false)
                do {
                    try await cluster.start(logger: TestCluster.logger)
                    let pid = try #require(cluster.postmasterPID)
                    let fds = "/proc/\(pid)/fd"
                    let targets = try FileManager.default.contentsOfDirectory(atPath: fds).compactMap {
                        try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\($0)")
                    }
                    #expect(!targets.isEmpty, "cannot read \(fds)")
                    #expect(!targets.contains(path), "the postmaster holds our descriptor: \(targets)")
                } catch {
                    try? await cluster.stop()
                    try? FileManager.default.removeItem(at: directory)
                    throw error
                }
                try? await cluster.stop()
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }
}
