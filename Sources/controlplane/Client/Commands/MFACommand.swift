import ArgumentParser
import Foundation

/// `controlplane mfa status|enroll|confirm|disable`: the caller's own TOTP second factor.
struct MFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Your second factor (TOTP): enrol an authenticator app, confirm it, turn it off.",
        subcommands: [Status.self, Enroll.self, Confirm.self, Disable.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether TOTP is on and how many recovery codes are left.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let profile = try await client.authenticated().call { try await $0.getProfile().ok.body.json }
            try client.emit(
                profile,
                record: [
                    Column("totp") { Cell.flag($0.mfa.totp) }, Column("recovery codes left") { Cell.number($0.mfa.recoveryCodesLeft) },
                ]
            )
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an enrolment: prints the secret and the otpauth:// URI once (add it to the app, then `mfa confirm`)."
        )
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let enrolment = try await client.authenticated().call { try await $0.startTOTPEnrolment().created.body.json }
            try client.emit(
                enrolment,
                record: [Column("secret") { Cell.text($0.secret) }, Column("otpauth uri") { Cell.text($0.otpauthUri) }]
            )
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm the enrolment with a code from the app; prints the ten recovery codes once (keep them safe)."
        )
        @Argument(help: "The 6-digit code the app shows.") var code: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.authenticated().call {
                try await $0.confirmTOTPEnrolment(body: .json(.init(code: code))).ok.body.json
            }
            try client.emit(answer) {
                "TOTP is on. Recovery codes (each works once):\n" + $0.recoveryCodes.map(Cell.text).joined(separator: "\n")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn TOTP off (needs your password and a code or recovery code).")
        @Option(help: "A code from the app, or a recovery code.") var code: String
        @Flag(help: "Read the password from stdin instead of asking for it.") var passwordStdin = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let password = try readSecret(prompt: "Password: ", fromStdin: passwordStdin)
            _ = try await client.authenticated().call {
                try await $0.disableTOTP(body: .json(.init(code: code, password: password))).noContent
            }
            client.emitDone("TOTP is off")
        }
    }
}
