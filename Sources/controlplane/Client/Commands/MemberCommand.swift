import ArgumentParser
import Foundation

/// `controlplane member add|list|update|remove`.
struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Members of an organisation.",
        subcommands: [Add.self, List.self, Update.self, Remove.self]
    )

    static let fields = [
        Column("id", "user.id"), Column("email", "user.email"), Column("name", "user.name"), Column("role", "role"),
        Column("state", "state"), Column("disabled", "disabled"),
    ]

    /// A member with the invitation to hand over (shown once).
    static let invited =
        fields + [
            Column("invitation code", "invitation.code"), Column("invitation link", "invitation.url"),
            Column("invitation expires", "invitation.expires_at"),
        ]

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a member (creates the account when the email is new); prints the invitation code once.",
            discussion: "Hand the code to the person: they run `controlplane invitation accept <code>` (or open the link)."
        )
        @Argument(help: "The user's email.") var email: String
        @Option(help: "Display name (default: the part of the email before @).") var name: String?
        @Option(help: "Organisation role: owner, admin or member.") var role = "member"
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let body: [String: Any] = ["email": email, "name": name ?? String(email.prefix { $0 != "@" }), "role": role]
            let reply = try await client.authenticated().send("POST", try org.path() + "/members", json: body)
            client.emit(reply, record: MemberCommand.invited)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Members and their organisation roles.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try org.path() + "/members")
            client.emit(
                reply,
                table: "members",
                [
                    Column("EMAIL", "user.email"), Column("NAME", "user.name"), Column("ROLE", "role"), Column("STATE", "state"),
                    Column("DISABLED", "disabled"), Column("ID", "user.id"),
                ]
            )
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a member's role, or disable / re-enable them.")
        @Argument(help: "The member's email or user id.") var user: String
        @Option(help: "New organisation role: owner, admin or member.") var role: String?
        @Flag(help: "Disable the member: every call and token request is refused.") var disable = false
        @Flag(help: "Re-enable a disabled member.") var enable = false
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if disable && enable { throw ValidationError("--disable and --enable exclude each other") }
            if role == nil && !disable && !enable { throw ValidationError("nothing to change: pass --role, --disable or --enable") }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            body["role"] = role
            if disable || enable { body["disabled"] = disable }
            let reply = try await client.authenticated().send("PATCH", try org.path() + "/members/" + segment(user), json: body)
            client.emit(reply, record: MemberCommand.fields)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member with their bindings and grants in this organisation.")
        @Argument(help: "The member's email or user id.") var user: String
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().delete(try org.path() + "/members/" + segment(user))
            client.emit(reply) { _ in "removed \(user)" }
        }
    }
}
