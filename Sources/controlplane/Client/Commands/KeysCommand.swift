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
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listSigningKeys(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok
                    .body.json
                return (page.keys, page.nextCursor)
            }
            let answer = Operations.ListSigningKeys.Output.Ok.Body.JsonPayload(keys: items)
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
            abstract: "Stage the next key: published (pending) but not yet signing; activate it with `keys activate` once the OS has it.",
            discussion: """
                An OS accepts tokens of a key only once it holds that key: a stock Agno OS after a restart with the new \
                environment (`os env`), a JWKS-URL verifier after its next fetch (`os show` says when it last fetched and \
                which keys it got). --activate signs with the new key at once, whatever the OS holds.
                """
        )
        @OptionGroup var os: OSOption
        @Option(help: "Signing algorithm: RS256, or ES256 or EdDSA for an OS whose verifier is agentos-auth.") var algorithm: String?
        @Flag(help: "Activate the new key at once (the previous key retires); the OS may refuse its tokens until it has the key.")
        var activate = false
        // Staging is the default now; the flag stays accepted for scripts written before.
        @Flag(help: .hidden) var pending = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if activate && pending { throw ValidationError("--activate and --pending exclude each other") }
        }

        func run() async throws {
            let path = Operations.CreateSigningKey.Input.Path(org: try os.org.slug(), os: os.os)
            let api = try client.authenticated()
            let key = try await api.call {
                try await $0.createSigningKey(path: path, body: .json(.init(activate: activate, algorithm: algorithm))).created.body.json
            }
            try client.emit(key, record: KeysCommand.fields)
            // Advice is for people; under --json stderr carries only errors.
            guard !client.json else { return }
            let record = try await KeysCommand.osRecord(os, api)
            KeysCommand.advise(activate ? KeysCommand.mayNotHold(key.kid, record) : KeysCommand.beforeActivating(key.kid, record))
        }
    }

    /// One key of one OS, and the client: what `activate` and `revoke` share.
    struct KeyTarget: ParsableArguments {
        // An option taking its value unconditionally: a kid is base64url and may start with "-"
        // (as a positional it could even read as -h and print help instead of acting).
        @Option(parsing: .unconditional, help: "The key id (kid).") var kid: String
        @OptionGroup var os: OSOption
        @OptionGroup var client: ClientOptions

        /// Activates or revokes the key and prints it in its new state; `confirm` runs once the
        /// command line has been checked, before the call.
        func transition(activate: Bool, confirm: () throws -> Void = {}) async throws {
            let (org, os) = (try self.os.org.slug(), self.os.os)
            let api = try client.authenticated()
            try confirm()
            let key = try await api.call { client in
                activate
                    ? try await client.activateSigningKey(path: .init(org: org, os: os, kid: kid)).ok.body.json
                    : try await client.revokeSigningKey(path: .init(org: org, os: os, kid: kid)).ok.body.json
            }
            try client.emit(key, record: KeysCommand.fields)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a pending or retiring key the active one (asks first on a terminal when the OS may not hold it)."
        )
        @OptionGroup var key: KeyTarget
        @OptionGroup var confirmation: Confirmation

        func run() async throws {
            let advice =
                key.client.json
                ? [] : KeysCommand.mayNotHold(key.kid, try await KeysCommand.osRecord(key.os, try key.client.authenticated()))
            KeysCommand.advise(advice)
            try await key.transition(activate: true) {
                // A person is asked when the OS may refuse the key's tokens; scripts never are.
                if advice.contains(where: { $0.hasPrefix("warning:") }) { try confirmation.confirm("Activate \(key.kid) now?") }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: it leaves the JWKS and signs nothing more (asks first on a terminal)."
        )
        @OptionGroup var key: KeyTarget
        @OptionGroup var confirmation: Confirmation

        func run() async throws {
            try await key.transition(activate: false) {
                try confirmation.confirm("Revoke key \(key.kid) of OS \(key.os.os)? Tokens it signed stop verifying.")
            }
        }
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
