import AgentOSAuth
import ArgumentParser
import Foundation

/// `controlplane login`: signs in with email and password (and a second factor when the account
/// has TOTP) and prints the session credential.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in and print a session credential (use it as CONTROL_PLANE_TOKEN; it lasts 12 h).",
        discussion: "An account with TOTP also needs a code: --totp, or it is asked for on the terminal."
    )

    @Option(help: "The user's email.") var email: String
    @Flag(help: "Read the password from stdin instead of asking for it.") var passwordStdin = false
    @Option(help: "A code from the authenticator app, or a recovery code (accounts with TOTP).") var totp: String?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let password = try readSecret(prompt: "Password: ", fromStdin: passwordStdin)
        let server = try client.anonymous()
        var reply = try await server.send("POST", "/v1/auth/login", json: ["email": email, "password": password])
        if reply.json["mfa_required"] == .bool(true), let challenge = reply.json["mfa_token"]?.stringValue {
            let code = try totp ?? Self.askForCode()
            reply = try await server.send("POST", "/v1/auth/login/mfa", json: ["mfa_token": challenge, "code": code])
        }
        client.emit(reply) { $0["token"]?.stringValue ?? "" }
    }

    static func askForCode() throws -> String {
        guard isatty(0) == 1, let entered = getpass("Authentication code: ") else {
            throw ValidationError("this account uses a second factor: pass --totp CODE (or a recovery code)")
        }
        return String(cString: entered)
    }
}
