import ArgumentParser
import Foundation

/// `controlplane org create|list|update|delete`.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Organisations.",
        subcommands: [Create.self, List.self, Update.self, Delete.self]
    )

    static let fields: [Column<Components.Schemas.Organization>] = [
        Column("slug") { Cell.text($0.slug) }, Column("name") { Cell.text($0.name) }, Column("id") { Cell.text($0.id) },
        Column("created") { Cell.date($0.createdAt) }, Column("require mfa") { Cell.flag($0.requireMfa) },
    ]

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation (a user creating one becomes its owner).")
        @Argument(help: "Slug: lowercase letters, digits and dashes.") var slug: String
        @Option(help: "Display name (default: the slug).") var name: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let organization = try await client.authenticated().call {
                try await $0.createOrganization(body: .json(.init(name: name ?? slug, slug: slug))).created.body.json
            }
            try client.emit(organization, record: OrgCommand.fields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Organisations you can see.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listOrganizations(query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok.body.json
                return (page.organizations, page.nextCursor)
            }
            let answer = Operations.ListOrganizations.Output.Ok.Body.JsonPayload(organizations: items)
            try client.emit(
                answer,
                table: answer.organizations,
                [
                    Column("SLUG") { Cell.text($0.slug) }, Column("NAME") { Cell.text($0.name) },
                    Column("CREATED") { Cell.date($0.createdAt) },
                ]
            )
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an organisation's settings (admins and owners).",
            discussion: "--require-mfa true: members with the admin or owner role must have TOTP on to act in it."
        )
        @Argument(help: "The organisation's slug.") var slug: String
        @Option(help: "Require admins and owners to use a second factor (true or false).") var requireMfa: Bool
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let organization = try await client.authenticated().call {
                try await $0.updateOrganization(path: .init(org: slug), body: .json(.init(requireMfa: requireMfa))).ok.body.json
            }
            try client.emit(organization, record: OrgCommand.fields)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an organisation and everything in it (owners; asks first on a terminal).",
            discussion: """
                Its OSes and their keys, memberships, invitations, roles, bindings, grants and service accounts go; \
                its audit trail stays.
                """
        )
        @Argument(help: "The organisation's slug.") var slug: String
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.authenticated()
            try confirmation.confirm(
                "Delete organisation \(slug) with its OSes and keys, memberships, roles, bindings, grants and service accounts? "
                    + "Its audit trail stays."
            )
            _ = try await api.call { try await $0.deleteOrganization(path: .init(org: slug)).noContent }
            client.emitDone("deleted organisation \(slug)")
        }
    }
}
