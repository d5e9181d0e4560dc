import ArgumentParser
import ControlPlane
import ControlPlaneHTTP
import Foundation
import OpenAPIRuntime

/// `controlplane os register|list|show|update|delete|enable-auth|public-key|jwks|env`.
struct OSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "os",
        abstract: "AgentOS instances and what they need to verify tokens.",
        subcommands: [Register.self, List.self, Show.self, Update.self, Delete.self, EnableAuth.self, PublicKey.self, JWKS.self, Env.self]
    )

    static let fields: [Column<OSRecord>] = [
        Column("id") { Cell.text($0.id) }, Column("name") { Cell.text($0.name) }, Column("url") { Cell.text($0.url) },
        Column("authorization") { Cell.flag($0.authorization) }, Column("verifier") { Cell.text($0.verifier) },
        Column("rotation") { Cell.number($0.rotationPeriod.value) },
        Column("jwks fetched") { Cell.date($0.jwksFetch?.at) },
        Column("fetched kids") { Cell.list($0.jwksFetch?.kids) },
        Column("created") { Cell.date($0.createdAt) },
    ]
    static let registrationFields: [Column<Components.Schemas.Registration>] = [
        Column("id") { Cell.text($0.os.id) }, Column("name") { Cell.text($0.os.name) },
        Column("authorization") { Cell.flag($0.os.authorization) }, Column("verifier") { Cell.text($0.os.verifier) },
        Column("kid") { Cell.text($0.signingKey?.kid) },
        Column("algorithm") { Cell.text($0.signingKey?.alg) },
    ]

    /// `--org` plus the OS id as the argument.
    struct Target: ParsableArguments {
        @Argument(help: "The OS id.") var os: String
        @OptionGroup var org: OrgOption
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an OS; with authorization (the default) it gets a signing key.")
        @Argument(help: "The OS id (the AgentOS id; tokens carry it as aud).") var id: String
        @Option(help: "Display name (default: the id).") var name: String?
        @Option(help: "The OS's URL.") var url: String?
        @Option(
            help: "Signing algorithm: RS256 (the default; the only one stock Agno accepts), or ES256 or EdDSA with --verifier agentos-auth."
        )
        var algorithm: String?
        @Option(
            help: "What verifies its tokens: agno (the default: a stock Agno AgentOS) or agentos-auth (this project's verifier or gateway)."
        )
        var verifier: String?
        @Flag(help: "Register without a signing key (enable it later with `os enable-auth`).") var noAuthorization = false
        @Option(help: "Rotate the signing key on a schedule: a period such as 90d, 12h or 3600 (seconds).")
        var rotationPeriod: String?
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let body = Operations.RegisterOS.Input.Body.JsonPayload(
                algorithm: algorithm,
                authorization: !noAuthorization,
                id: id,
                name: name ?? id,
                rotationPeriod: try rotationPeriod.map { NullableInt(try OSCommand.seconds($0)) },
                url: url,
                verifier: verifier
            )
            let path = Operations.RegisterOS.Input.Path(org: try org.slug())
            let registration = try await client.authenticated().call {
                try await $0.registerOS(path: path, body: .json(body)).created.body.json
            }
            try client.emit(registration, record: OSCommand.registrationFields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The organisation's OSes.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListOSes.Input.Path(org: try org.slug())
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listOSes(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok.body
                    .json
                return (page.os, page.nextCursor)
            }
            let answer = Operations.ListOSes.Output.Ok.Body.JsonPayload(os: items)
            try client.emit(
                answer,
                table: answer.os,
                [
                    Column("ID") { Cell.text($0.id) }, Column("NAME") { Cell.text($0.name) },
                    Column("AUTHORIZATION") { Cell.flag($0.authorization) }, Column("URL") { Cell.text($0.url) },
                ]
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One OS.")
        @OptionGroup var target: Target
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.GetOS.Input.Path(org: try target.org.slug(), os: target.os)
            let os = try await client.authenticated().call { try await $0.getOS(path: path).ok.body.json }
            try client.emit(os, record: OSCommand.fields)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an OS with its keys and grants (asks first on a terminal).")
        @OptionGroup var target: Target
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.DeleteOS.Input.Path(org: try target.org.slug(), os: target.os)
            let api = try client.authenticated()
            try confirmation.confirm("Delete OS \(target.os) with its keys and grants?")
            _ = try await api.call { try await $0.deleteOS(path: path).noContent }
            client.emitDone("deleted OS \(target.os)")
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
            let path = Operations.EnableAuthorization.Input.Path(org: try target.org.slug(), os: target.os)
            let registration = try await client.authenticated().call { client in
                // An empty object without --algorithm, as before (the body may also be left out).
                switch try await client.enableAuthorization(path: path, body: .json(.init(algorithm: algorithm))) {
                case .created(let created): try created.body.json
                case .ok(let existing): try existing.body.json  // it had a key already
                case let other: throw UnexpectedAnswer(other)
                }
            }
            try client.emit(registration, record: OSCommand.registrationFields)
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
            let pem = try await target.publicKey(client)
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
            let path = Operations.GetJWKS.Input.Path(org: try target.org.slug(), os: target.os)
            let jwks = try await client.anonymous().call { try await $0.getJWKS(path: path).ok.body.json }
            try client.emit(
                jwks,
                table: jwks.keys,
                [
                    Column("KID") { Cell.text($0.kid) }, Column("KTY") { Cell.text($0.kty) }, Column("ALG") { Cell.text($0.alg) },
                    Column("USE") { Cell.text($0.use) },
                ]
            )
        }
    }

    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the environment to start the AgentOS from (the console's .env, from the same generator).",
            discussion: """
                What the OS's verifier reads: AGENT_OS_ID, its keys in the chosen form and CORS_ORIGIN_LIST for the console. \
                Values are double-quoted with the PEM's newlines kept, so the output works both as an env file (python-dotenv) \
                and in a shell: `set -a; . ./agentos.env; set +a`. With --form jwks-file the JWKS file is written to the \
                current directory (or --dir) under the name the environment gives it. What to do next goes to stderr.
                """
        )
        @OptionGroup var target: Target
        @Option(
            help:
                "pem (JWT_VERIFICATION_KEY), jwks-file (JWT_JWKS_FILE) or jwks-url (JWT_JWKS_URL; agentos-auth only). Default: what the OS's verifier reads best."
        )
        var form: String?
        @Option(help: "Where to write the files the environment names (default: the current directory).") var dir: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.GetOSEnvironment.Input.Path(org: try target.org.slug(), os: target.os)
            let environment = try await client.authenticated().call {
                try await $0.getOSEnvironment(path: path, query: .init(form: form)).ok.body.json
            }
            // The one file an environment names is the JWKS file of this OS; a server that names
            // anything else (another file to overwrite) is not trusted with the disk.
            let expected = "\(target.os).jwks.json"
            for file in environment.files {
                guard environment.form == "jwks-file", file.name == expected else {
                    throw fail(
                        "the server named a file '\(String(file.name.prefix(60)))' (expected \(expected) for form jwks-file); nothing written",
                        code: "unexpected_answer"
                    )
                }
                let path = URL(fileURLWithPath: dir ?? FileManager.default.currentDirectoryPath).appendingPathComponent(file.name).path
                try SafeFile.replace(path, with: Data(file.content.utf8))
                FileHandle.standardError.write(Data("wrote \(InertText.of(path))\n".utf8))
            }
            if client.json {
                try client.emit(environment, record: [])
            } else {
                print(InertText.of(environment.env, keepNewlines: true), terminator: "")
                FileHandle.standardError.write(Data(environment.steps.map { "* " + InertText.of($0) + "\n" }.joined().utf8))
            }
        }
    }
}

extension OSCommand.Target {
    /// The active public key's PEM, as the server sent it (public: no credential).
    func publicKey(_ client: ClientOptions) async throws -> String {
        let path = Operations.GetPublicKey.Input.Path(org: try org.slug(), os: os)
        return try await client.anonymous().call { api in
            let body = try await api.getPublicKey(path: path).ok.body.applicationXPemFile
            return String(decoding: try await Data(collecting: body, upTo: 1 << 20), as: UTF8.self)
        }
    }
}
