import AgentOSAuth
import ArgumentParser
import ControlPlane
import Foundation

extension KeysCommand {
    /// `keys speed`: the signing rate of this machine, in process (no server, no database).
    struct Speed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many access tokens per second this machine can sign (the issuance signer, a fresh key; no server needed)."
        )
        @Option(help: "RS256, ES256 or EdDSA.") var algorithm = "RS256"
        @Option(help: "How long to sign, in seconds.") var seconds = 3.0
        @Option(help: "Concurrent signing tasks (default: one per core).") var tasks = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "RS256's library: openssl (the system's OpenSSL 3, what issuance uses) or boringssl (swift-crypto, the baseline).")
        var rsaBackend = "openssl"

        func validate() throws {
            guard (0.1...60).contains(seconds) else { throw ValidationError("--seconds must be 0.1-60") }
            guard (1...256).contains(tasks) else { throw ValidationError("--tasks must be 1-256") }
            guard SigningSpeed.RSABackend(rawValue: rsaBackend) != nil else {
                throw ValidationError("--rsa-backend must be openssl or boringssl")
            }
        }

        func run() async throws {
            guard let parsed = SigningAlgorithm(name: algorithm) else { throw ValidationError("unknown algorithm '\(algorithm)'") }
            let backend = SigningSpeed.RSABackend(rawValue: rsaBackend) ?? .openSSL
            let rate = try await SigningSpeed.measure(parsed, seconds: seconds, tasks: tasks, rsa: backend)
            let library = parsed == .rs256 ? " on \(backend.rawValue)" : ""
            print("\(parsed.name) \(String(format: "%.0f", rate)) signatures/s (\(tasks) tasks, \(seconds) s\(library))")
        }
    }
}
