import ControlPlane
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension SystemTests {
    @Suite("Child processes")
    struct ProcessRunnerTests {
        /// A child gets stdin, stdout and stderr, and none of the parent's other descriptors: a
        /// socket the parent closes must not live on in a child that inherited it.
        @Test func aChildInheritsOnlyTheStandardDescriptors() async throws {
            let inheritable = open("/dev/null", O_RDONLY)  // no O_CLOEXEC: posix_spawn alone would pass it on
            try #require(inheritable > 2)
            defer { close(inheritable) }
            let process = try ProcessRunner.start("/bin/sh", ["-c", "ls /proc/$$/fd"])
            defer { process.removeOutput() }
            #expect(try await process.exitCode() == 0)
            let descriptors = Set(process.output.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
            #expect(descriptors.isSuperset(of: [0, 1, 2]), "\(process.output)")
            #expect(!descriptors.contains(inheritable), "the child holds the parent's descriptor \(inheritable): \(process.output)")
        }
    }
}
