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
            _ = try await client.authenticated().call {
                try await $0.changePassword(body: .json(.init(currentPassword: current, newPassword: new))).noContent
            }
            client.emitDone("password changed; your other sessions have ended")
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
            let reset = try await client.authenticated().call { client in
                if let org {
                    try await client.issueMemberPasswordReset(path: .init(org: org, user: user)).created.body.json
                } else {
                    try await client.issuePasswordReset(path: .init(user: user)).created.body.json
                }
            }
            try client.emit(
                reset,
                record: [
                    Column("reset code") { Cell.text($0.code) }, Column("reset link") { Cell.text($0.url) },
                    Column("expires") { Cell.date($0.expiresAt) },
                ]
            )
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
            _ = try await client.anonymous().call {
                try await $0.redeemPasswordReset(body: .json(.init(code: code, password: password))).noContent
            }
            client.emitDone("password set; sign in with `controlplane login`")
        }
    }
}
