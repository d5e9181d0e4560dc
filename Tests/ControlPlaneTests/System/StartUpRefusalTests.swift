import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

extension SystemTests {
    @Suite("Documented claims: start-up refusals")
    struct StartUpRefusalTests {
        /// An external database without a key-encryption key is refused before anything is written.
        @Test func externalDatabaseWithoutAKEKRefusesToStart() async throws {
            try await TestCluster.withNamedDatabase { _, _, name in
                let environment = try await TestCluster.server().cliEnvironment(name)
                let output = try await CLI.run(
                    ["serve", "--port", "0"],
                    environment: environment.merging(["HOME": NSTemporaryDirectory()]) { a, _ in a }
                )
                #expect(output.status != 0)
                #expect(output.stderr.contains("no key-encryption key") && output.stderr.contains("CONTROL_PLANE_MASTER_KEYS"), "\(output)")
                #expect(!output.stdout.contains("listening on"))
            }
        }
    }
}
