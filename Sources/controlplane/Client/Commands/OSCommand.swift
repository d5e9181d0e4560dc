import ArgumentParser
import Foundation

/// `controlplane os register|list|show|update|delete|enable-auth|public-key|jwks|env`.
struct OSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "os",
        abstract: "AgentOS instances and what they need to verify tokens.",
        subcommands: [Register.self, List.self, Show.self, Update.self, Delete.self, EnableAuth.self, PublicKey.self, JWKS.self, Env.self]
    )

    static let fields = [
        Column("id", "id"), Column("name", "name"), Column("url", "url"), Column("authorization", "authorization"),
        Column("rotation", "rotation_period"), Column("created", "created_at"),
    ]
    static let registrationFields = [
        Column("id", "os.id"), Column("name", "os.name"), Column("authorization", "os.authorization"),
        Column("kid", "signing_key.kid"), Column("algorithm", "signing_key.alg"),
    ]

    /// `--org` plus the OS id as the argument.
    struct Target: ParsableArguments {
        @Argument(help: "The OS id.") var os: String
        @OptionGroup var org: OrgOption

        func path() throws -> String { try org.path() + "/os/" + segment(os) }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an OS; with authorization (the default) it gets a signing key.")
        @Argument(help: "The OS id (the AgentOS id; tokens carry it as aud).") var id: String
        @Option(help: "Display name (default: the id).") var name: String?
        @Option(help: "The OS's URL.") var url: String?
        @Option(help: "Signing algorithm: RS256 (what Agno accepts by default), ES256 or EdDSA.") var algorithm: String?
        @Flag(help: "Register without a signing key (enable it later with `os enable-auth`).") var noAuthorization = false
        @Option(help: "Rotate the signing key on a schedule: a period such as 90d, 12h or 3600 (seconds).")
        var rotationPeriod: String?
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var body: [String: Any] = ["id": id, "name": name ?? id, "authorization": !noAuthorization]
            body["url"] = url
            body["algorithm"] = algorithm
            body["rotation_period"] = try rotationPeriod.map(OSCommand.seconds)
            let reply = try await client.authenticated().send("POST", try org.path() + "/os", json: body)
            client.emit(reply, record: OSCommand.registrationFields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The organisation's OSes.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try org.path() + "/os")
            client.emit(
                reply,
                table: "os",
                [Column("ID", "id"), Column("NAME", "name"), Column("AUTHORIZATION", "authorization"), Column("URL", "url")]
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One OS.")
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            client.emit(try await client.authenticated().get(try target.path()), record: OSCommand.fields)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an OS with its keys and grants.")
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().delete(try target.path())
            client.emit(reply) { _ in "deleted OS \(target.os)" }
        }
    }

    struct EnableAuth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable-auth",
            abstract: "Give an OS a signing key (prints the existing one when it has one)."
        )
        @OptionGroup var target: Target
        @Option(help: "Signing algorithm: RS256, ES256 or EdDSA.") var algorithm: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let body: [String: Any] = algorithm.map { ["algorithm": $0] } ?? [:]
            let reply = try await client.authenticated().send("POST", try target.path() + "/authorization", json: body)
            client.emit(reply, record: OSCommand.registrationFields)
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key",
            abstract: "Print the active public key (SPKI PEM) for JWT_VERIFICATION_KEY."
        )
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.anonymous().get(try target.path() + "/public-key")
            let pem = String(decoding: reply.body, as: UTF8.self)
            if client.json {
                print(Presenter.prettyJSON(try jsonData(["os": target.os, "public_key_pem": pem])))
            } else {
                print(pem, terminator: pem.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct JWKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jwks",
            abstract: "The OS's JWKS (pending, active and retiring keys); --json prints the document for JWT_JWKS_FILE."
        )
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.anonymous().get(try target.path() + "/jwks.json")
            client.emit(reply, table: "keys", [Column("KID", "kid"), Column("KTY", "kty"), Column("ALG", "alg"), Column("USE", "use")])
        }
    }

    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the environment for the AgentOS: AGENT_OS_ID and JWT_VERIFICATION_KEY (quoted PEM).",
            discussion: """
                The values are double-quoted with the PEM's newlines kept, so the output works both as an env file \
                (python-dotenv) and in a shell: `set -a; . ./agentos.env; set +a`.
                """
        )
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.anonymous().get(try target.path() + "/public-key")
            let pem = String(decoding: reply.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if client.json {
                print(Presenter.prettyJSON(try jsonData(["AGENT_OS_ID": target.os, "JWT_VERIFICATION_KEY": pem])))
            } else {
                print("AGENT_OS_ID=\(shellQuoted(target.os))")
                print("JWT_VERIFICATION_KEY=\(shellQuoted(pem))")
            }
        }
    }
}
