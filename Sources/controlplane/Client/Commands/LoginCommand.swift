import AgentOSAuth
import ArgumentParser
import Foundation

/// `controlplane login`: signs in with email and password and prints the session credential.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in and print a session credential (use it as CONTROL_PLANE_TOKEN; it lasts 12 h)."
    )

    @Option(help: "The user's email.") var email: String
    @Flag(help: "Read the password from stdin instead of asking for it.") var passwordStdin = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let password = try readSecret(prompt: "Password: ", fromStdin: passwordStdin)
        let reply = try await client.anonymous().send("POST", "/v1/auth/login", json: ["email": email, "password": password])
        client.emit(reply) { $0["token"]?.stringValue ?? "" }
    }
}
