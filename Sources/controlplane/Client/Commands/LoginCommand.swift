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
        let signIn = try await server.call { try await $0.signIn(body: .json(.init(email: email, password: password))) }
        let session: Components.Schemas.Session
        switch signIn {
        case .created(let created):
            session = try created.body.json
        case .ok(let challenge):
            // The account has TOTP: the second step with a code.
            let mfaToken = try challenge.body.json.mfaToken
            let code = try totp ?? Self.askForCode()
            session = try await server.call {
                try await $0.completeSignIn(body: .json(.init(code: code, mfaToken: mfaToken))).created.body.json
            }
        case let other:
            throw fail(
                "unexpected answer from the control plane at \(server.server): \(UnexpectedAnswer(other))",
                code: "unexpected_answer"
            )
        }
        // Asked without `X-Session-Delivery: cookie`, the session comes in the body.
        guard session.token != nil else { throw fail("the control plane at \(server.server) answered a session without its token") }
        try client.emit(session) { $0.token ?? "" }
    }

    static func askForCode() throws -> String {
        guard isatty(0) == 1, let entered = getpass("Authentication code: ") else {
            throw ValidationError("this account uses a second factor: pass --totp CODE (or a recovery code)")
        }
        return String(cString: entered)
    }
}
