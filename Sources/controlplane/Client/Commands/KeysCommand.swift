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

    static let fields: [Column<Components.Schemas.Key>] = [
        Column("kid") { Cell.text($0.kid) }, Column("algorithm") { Cell.text($0.alg) }, Column("state") { $0.state.rawValue },
        Column("created") { Cell.date($0.createdAt) }, Column("activated") { Cell.date($0.activatedAt) },
        Column("retires") { Cell.date($0.retireAt) },
    ]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key of an OS with its state.")
        @OptionGroup var os: OSOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListSigningKeys.Input.Path(org: try os.org.slug(), os: os.os)
            let answer = try await client.authenticated().call { try await $0.listSigningKeys(path: path).ok.body.json }
            try client.emit(
                answer,
                table: answer.keys,
                [
                    Column("KID") { Cell.text($0.kid) }, Column("ALG") { Cell.text($0.alg) }, Column("STATE") { $0.state.rawValue },
                    Column("CREATED") { Cell.date($0.createdAt) }, Column("RETIRES") { Cell.date($0.retireAt) },
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
            let path = Operations.CreateSigningKey.Input.Path(org: try os.org.slug(), os: os.os)
            let key = try await client.authenticated().call {
                try await $0.createSigningKey(path: path, body: .json(.init(activate: !pending, algorithm: algorithm))).created.body.json
            }
            try client.emit(key, record: KeysCommand.fields)
        }
    }

    /// One key of one OS, and the client: what `activate` and `revoke` share.
    struct KeyTarget: ParsableArguments {
        // An option taking its value unconditionally: a kid is base64url and may start with "-"
        // (as a positional it could even read as -h and print help instead of acting).
        @Option(parsing: .unconditional, help: "The key id (kid).") var kid: String
        @OptionGroup var os: OSOption
        @OptionGroup var client: ClientOptions

        /// Activates or revokes the key and prints it in its new state.
        func transition(activate: Bool) async throws {
            let (org, os) = (try self.os.org.slug(), self.os.os)
            let key = try await client.authenticated().call { client in
                activate
                    ? try await client.activateSigningKey(path: .init(org: org, os: os, kid: kid)).ok.body.json
                    : try await client.revokeSigningKey(path: .init(org: org, os: os, kid: kid)).ok.body.json
            }
            try client.emit(key, record: KeysCommand.fields)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a pending or retiring key the active one.")
        @OptionGroup var key: KeyTarget

        func run() async throws { try await key.transition(activate: true) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it leaves the JWKS and signs nothing more.")
        @OptionGroup var key: KeyTarget

        func run() async throws { try await key.transition(activate: false) }
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
                let lists = try await service.statusLists.rewrapKeys()
                FileHandle.standardOutput.write(
                    Data(
                        "rewrapped \(count) signing key(s) and \(lists) status-list key(s) under KEK \(service.signingKeys.sealingKEKID)\n"
                            .utf8
                    )
                )
            }
        }
    }
}
