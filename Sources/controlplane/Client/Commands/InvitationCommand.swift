import ArgumentParser
import Foundation

/// `controlplane invitation create|list|revoke|accept`.
struct InvitationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invitation",
        abstract: "Invitations: how members join an organisation.",
        subcommands: [Create.self, List.self, Revoke.self, Accept.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A fresh invitation for an invited member (earlier codes stop working); prints the code once."
        )
        @Argument(help: "The member's email or user id.") var user: String
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ReissueInvitation.Input.Path(org: try org.slug())
            let member = try await client.authenticated().call {
                try await $0.reissueInvitation(path: path, body: .json(.init(user: user))).created.body.json
            }
            try client.emit(member, record: MemberCommand.invited)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invitations neither accepted nor revoked (never the codes).")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListInvitations.Input.Path(org: try org.slug())
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listInvitations(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok
                    .body.json
                return (page.invitations, page.nextCursor)
            }
            let answer = Operations.ListInvitations.Output.Ok.Body.JsonPayload(invitations: items)
            try client.emit(
                answer,
                table: answer.invitations,
                [
                    Column("ID") { Cell.text($0.id) }, Column("EMAIL") { Cell.text($0.user.email) }, Column("ROLE") { Cell.text($0.role) },
                    Column("STATE") { $0.state.rawValue }, Column("EXPIRES") { Cell.date($0.expiresAt) },
                ]
            )
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation by id (asks first on a terminal).")
        @Argument(help: "The invitation id (`invitation list`).") var id: String
        @OptionGroup var org: OrgOption
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.RevokeInvitation.Input.Path(org: try org.slug(), id: id)
            let api = try client.authenticated()
            try confirmation.confirm("Revoke invitation \(id)? Its code stops working.")
            _ = try await api.call { try await $0.revokeInvitation(path: path).noContent }
            client.emitDone("revoked invitation \(id)")
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an invitation.",
            discussion: """
                A new account passes --name and chooses its password (prompted, or --password-stdin); the session \
                credential is printed like `login`. An existing account signs in first and passes its session with \
                --token (or CONTROL_PLANE_TOKEN) and only the code.
                """
        )
        @Argument(help: "The invitation code (cpi_…), or the invitation link.") var code: String
        @Option(help: "Your name, for a new account.") var name: String?
        @Flag(help: "Read the new account's password from stdin instead of asking for it.") var passwordStdin = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let code = self.code.split(separator: "#").last.map(String.init) ?? self.code
            guard let name else {
                guard let token = client.token ?? client.environment["CONTROL_PLANE_TOKEN"], !token.isEmpty else {
                    throw ValidationError("a new account passes --name (and a password); an existing one signs in and passes --token")
                }
                let accepted = try await Self.accept(
                    ControlPlaneClient(server: try client.serverURL(), credential: token),
                    .init(code: code)
                )
                try client.emit(accepted) { "joined \($0.organization.slug) as \($0.role)" }
                return
            }
            let password = try readSecret(prompt: "Choose a password: ", fromStdin: passwordStdin)
            let accepted = try await Self.accept(client.anonymous(), .init(code: code, name: name, password: password))
            try client.emit(accepted) { $0.token ?? "" }
        }

        /// Signed in, the server answers 200 (the membership); as a new account, 201 (with a session).
        static func accept(
            _ server: ControlPlaneClient,
            _ body: Components.Schemas.AcceptInvitationRequest
        ) async throws -> Components.Schemas.Accepted {
            try await server.call { client in
                switch try await client.acceptInvitation(body: .json(body)) {
                case .ok(let joined): try joined.body.json
                case .created(let created): try created.body.json
                case let other: throw UnexpectedAnswer(other)
                }
            }
        }
    }
}
