import ArgumentParser
import Foundation

/// `controlplane password change|reset|issue-reset`.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Your password, and single-use reset codes.",
        subcommands: [Change.self, IssueReset.self, Reset.self]
    )

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change your password (needs the current one; your other sessions end).",
            discussion: "With --password-stdin, stdin holds two lines: the current password, then the new one."
        )
        @Flag(help: "Read the current and the new password from stdin (one per line).") var passwordStdin = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let (current, new): (String, String)
            if passwordStdin {
                let lines = try readSecret(prompt: "", fromStdin: true).split(separator: "\n", omittingEmptySubsequences: false)
                guard lines.count == 2 else { throw ValidationError("stdin must hold two lines: the current password, then the new one") }
                (current, new) = (String(lines[0]), String(lines[1]))
            } else {
                current = try readSecret(prompt: "Current password: ", fromStdin: false)
                new = try readSecret(prompt: "New password: ", fromStdin: false)
            }
            let reply = try await client.authenticated()
                .send("POST", "/v1/me/password", json: ["current_password": current, "new_password": new])
            client.emit(reply) { _ in "password changed; your other sessions have ended" }
        }
    }

    struct IssueReset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-reset",
            abstract: "Issue a single-use reset code for an account and print it once (hand it to the account's holder).",
            discussion: "With --org, as an admin of the account's only organisation; without, with the superuser key."
        )
        @Argument(help: "The user's email or id.") var user: String
        @Option(help: "Organisation slug (as its admin).") var org: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path =
                if let org { "/v1/orgs/\(segment(org))/members/\(segment(user))/password-reset" } else {
                    "/v1/users/\(segment(user))/password-reset"
                }
            let reply = try await client.authenticated().send("POST", path, json: nil)
            client.emit(reply, record: [Column("reset code", "code"), Column("reset link", "url"), Column("expires", "expires_at")])
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redeem a reset code: choose a new password (every session and API key ends)."
        )
        @Argument(help: "The reset code (cpr_…), or the reset link.") var code: String
        @Flag(help: "Read the new password from stdin instead of asking for it.") var passwordStdin = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let code = self.code.split(separator: "#").last.map(String.init) ?? self.code
            let password = try readSecret(prompt: "New password: ", fromStdin: passwordStdin)
            let reply = try await client.anonymous().send("POST", "/v1/auth/password-reset", json: ["code": code, "password": password])
            client.emit(reply) { _ in "password set; sign in with `controlplane login`" }
        }
    }
}
