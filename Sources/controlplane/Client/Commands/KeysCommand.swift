import ArgumentParser
import ControlPlane
import Foundation

/// `controlplane keys list|rotate|activate|revoke` (over HTTP) and `keys rewrap` (on the database).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "An OS's signing keys.",
        subcommands: [List.self, Rotate.self, Activate.self, Revoke.self, Rewrap.self, Speed.self]
    )

    static let fields = [
        Column("kid", "kid"), Column("algorithm", "alg"), Column("state", "state"), Column("created", "created_at"),
        Column("activated", "activated_at"), Column("retires", "retire_at"),
    ]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key of an OS with its state.")
        @OptionGroup var os: OSOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try os.path() + "/keys")
            client.emit(
                reply,
                table: "keys",
                [
                    Column("KID", "kid"), Column("ALG", "alg"), Column("STATE", "state"), Column("CREATED", "created_at"),
                    Column("RETIRES", "retire_at"),
                ]
            )
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new key and make it active; the previous key retires (stays in the JWKS until it expires)."
        )
        @OptionGroup var os: OSOption
        @Option(help: "Signing algorithm: RS256, ES256 or EdDSA.") var algorithm: String?
        @Flag(help: "Only publish the new key (pending, in the JWKS); activate it later with `keys activate`.") var pending = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var body: [String: Any] = ["activate": !pending]
            body["algorithm"] = algorithm
            let reply = try await client.authenticated().send("POST", try os.path() + "/keys", json: body)
            client.emit(reply, record: KeysCommand.fields)
        }
    }

    /// One key of one OS, and the client: what `activate` and `revoke` share.
    struct KeyTarget: ParsableArguments {
        // An option taking its value unconditionally: a kid is base64url and may start with "-"
        // (as a positional it could even read as -h and print help instead of acting).
        @Option(parsing: .unconditional, help: "The key id (kid).") var kid: String
        @OptionGroup var os: OSOption
        @OptionGroup var client: ClientOptions

        /// `POST …/keys/<kid>/<verb>` and prints the key in its new state.
        func transition(_ verb: String) async throws {
            let reply = try await client.authenticated().send("POST", try os.path() + "/keys/" + segment(kid) + "/" + verb)
            client.emit(reply, record: KeysCommand.fields)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a pending or retiring key the active one.")
        @OptionGroup var key: KeyTarget

        func run() async throws { try await key.transition("activate") }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it leaves the JWKS and signs nothing more.")
        @OptionGroup var key: KeyTarget

        func run() async throws { try await key.transition("revoke") }
    }

    /// Works on the database directly: key custody is not exposed over HTTP.
    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every private signing key under the first key-encryption key (runs on the database, not over HTTP)."
        )
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withOneShotService(database) { service, _ in
                let count = try await service.signingKeys.rewrapAll()
                FileHandle.standardOutput.write(Data("rewrapped \(count) key(s) under KEK \(service.signingKeys.sealingKEKID)\n".utf8))
            }
        }
    }
}
