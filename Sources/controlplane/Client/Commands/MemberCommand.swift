import ArgumentParser
import Foundation

/// `controlplane member add|list|update|remove`.
struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Members of an organisation.",
        subcommands: [Add.self, List.self, Update.self, Remove.self]
    )

    static let fields: [Column<Components.Schemas.Member>] = [
        Column("id") { Cell.text($0.user.id) }, Column("email") { Cell.text($0.user.email) }, Column("name") { Cell.text($0.user.name) },
        Column("role") { Cell.text($0.role) }, Column("state") { $0.state.rawValue }, Column("disabled") { Cell.flag($0.disabled) },
    ]

    /// A member with the invitation to hand over (shown once).
    static let invited: [Column<Components.Schemas.InvitedMember>] = [
        Column("id") { Cell.text($0.user.id) }, Column("email") { Cell.text($0.user.email) }, Column("name") { Cell.text($0.user.name) },
        Column("role") { Cell.text($0.role) }, Column("state") { $0.state.rawValue }, Column("disabled") { Cell.flag($0.disabled) },
        Column("invitation code") { Cell.text($0.invitation.code) }, Column("invitation link") { Cell.text($0.invitation.url) },
        Column("invitation expires") { Cell.date($0.invitation.expiresAt) },
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
            let body = Operations.InviteMember.Input.Body.JsonPayload(
                email: email,
                name: name ?? String(email.prefix { $0 != "@" }),
                role: role
            )
            let path = Operations.InviteMember.Input.Path(org: try org.slug())
            let member = try await client.authenticated().call {
                try await $0.inviteMember(path: path, body: .json(body)).created.body.json
            }
            try client.emit(member, record: MemberCommand.invited)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Members and their organisation roles.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListMembers.Input.Path(org: try org.slug())
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listMembers(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok.body
                    .json
                return (page.members, page.nextCursor)
            }
            let answer = Operations.ListMembers.Output.Ok.Body.JsonPayload(members: items)
            try client.emit(
                answer,
                table: answer.members,
                [
                    Column("EMAIL") { Cell.text($0.user.email) }, Column("NAME") { Cell.text($0.user.name) },
                    Column("ROLE") { Cell.text($0.role) },
                    Column("STATE") { $0.state.rawValue }, Column("DISABLED") { Cell.flag($0.disabled) },
                    Column("ID") { Cell.text($0.user.id) },
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
            let body = Operations.UpdateMember.Input.Body.JsonPayload(disabled: disable || enable ? disable : nil, role: role)
            let path = Operations.UpdateMember.Input.Path(org: try org.slug(), user: user)
            let member = try await client.authenticated().call { try await $0.updateMember(path: path, body: .json(body)).ok.body.json }
            try client.emit(member, record: MemberCommand.fields)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a member with their bindings and grants in this organisation (asks first on a terminal)."
        )
        @Argument(help: "The member's email or user id.") var user: String
        @OptionGroup var org: OrgOption
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.RemoveMember.Input.Path(org: try org.slug(), user: user)
            let api = try client.authenticated()
            try confirmation.confirm("Remove \(user) from \(path.org) with their bindings and grants there?")
            _ = try await api.call { try await $0.removeMember(path: path).noContent }
            client.emitDone("removed \(user)")
        }
    }
}
