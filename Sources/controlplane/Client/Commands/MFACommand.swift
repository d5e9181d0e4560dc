import AgentOSAuth
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
            let reply = try await client.authenticated().get("/v1/me")
            client.emit(reply, record: [Column("totp", "mfa.totp"), Column("recovery codes left", "mfa.recovery_codes_left")])
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an enrolment: prints the secret and the otpauth:// URI once (add it to the app, then `mfa confirm`)."
        )
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().send("POST", "/v1/me/mfa/totp", json: nil)
            client.emit(reply, record: [Column("secret", "secret"), Column("otpauth uri", "otpauth_uri")])
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm the enrolment with a code from the app; prints the ten recovery codes once (keep them safe)."
        )
        @Argument(help: "The 6-digit code the app shows.") var code: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().send("POST", "/v1/me/mfa/totp/confirm", json: ["code": code])
            client.emit(reply) { json in
                "TOTP is on. Recovery codes (each works once):\n"
                    + (json["recovery_codes"]?.array ?? []).map(\.cell).joined(separator: "\n")
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
            let reply = try await client.authenticated().send(
                "POST",
                "/v1/me/mfa/totp/disable",
                json: ["password": password, "code": code]
            )
            client.emit(reply) { _ in "TOTP is off" }
        }
    }
}
