import AgentOSAuth
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
            let reply = try await client.authenticated().send("POST", try org.path() + "/invitations", json: ["user": user])
            client.emit(reply, record: MemberCommand.invited)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invitations neither accepted nor revoked (never the codes).")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try org.path() + "/invitations")
            client.emit(
                reply,
                table: "invitations",
                [
                    Column("ID", "id"), Column("EMAIL", "user.email"), Column("ROLE", "role"), Column("STATE", "state"),
                    Column("EXPIRES", "expires_at"),
                ]
            )
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation by id.")
        @Argument(help: "The invitation id (`invitation list`).") var id: String
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().delete(try org.path() + "/invitations/" + segment(id))
            client.emit(reply) { _ in "revoked invitation \(id)" }
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
                let reply = try await ControlPlaneClient(server: try client.serverURL(), credential: token)
                    .send("POST", "/v1/invitations/accept", json: ["code": code])
                client.emit(reply) { "joined \($0["organization.slug"]?.stringValue ?? "") as \($0["role"]?.stringValue ?? "")" }
                return
            }
            let password = try readSecret(prompt: "Choose a password: ", fromStdin: passwordStdin)
            let reply = try await client.anonymous()
                .send("POST", "/v1/invitations/accept", json: ["code": code, "name": name, "password": password])
            client.emit(reply) { $0["token"]?.stringValue ?? "" }
        }
    }
}
