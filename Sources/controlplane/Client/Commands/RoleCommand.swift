import ArgumentParser
import Foundation

/// `controlplane role create|list|show|set-scopes|delete`.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "OS roles: named sets of scopes (os-admin, os-member and os-viewer are built in).",
        subcommands: [Create.self, List.self, Show.self, SetScopes.self, Delete.self]
    )

    static let fields: [Column<Components.Schemas.Role>] = [
        Column("slug") { Cell.text($0.slug) }, Column("name") { Cell.text($0.name) }, Column("description") { Cell.text($0.description) },
        Column("builtin") { Cell.flag($0.builtin) }, Column("scopes") { $0.scopes.map(Cell.text).joined(separator: "\n") },
    ]

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a custom role.")
        @Argument(help: "Slug: lowercase letters, digits and dashes.") var slug: String
        @Option(name: .customLong("scope"), help: "A scope, e.g. agents:web-agent:run (repeat the option).") var scopes: [String] = []
        @Option(help: "Display name.") var name: String?
        @Option(help: "What the role is for.") var description: String?
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let body = Operations.CreateRole.Input.Body.JsonPayload(description: description, name: name, scopes: scopes, slug: slug)
            let path = Operations.CreateRole.Input.Path(org: try org.slug())
            let role = try await client.authenticated().call { try await $0.createRole(path: path, body: .json(body)).created.body.json }
            try client.emit(role, record: RoleCommand.fields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Built-in and custom roles.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListRoles.Input.Path(org: try org.slug())
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listRoles(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)).ok.body
                    .json
                return (page.roles, page.nextCursor)
            }
            let answer = Operations.ListRoles.Output.Ok.Body.JsonPayload(roles: items)
            try client.emit(
                answer,
                table: answer.roles,
                [
                    Column("SLUG") { Cell.text($0.slug) }, Column("BUILTIN") { Cell.flag($0.builtin) },
                    Column("SCOPES") { "\($0.scopes.count)" },
                    Column("NAME") { Cell.text($0.name) },
                ]
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One role with its scopes.")
        @Argument(help: "The role's slug.") var slug: String
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.GetRole.Input.Path(org: try org.slug(), role: slug)
            let role = try await client.authenticated().call { try await $0.getRole(path: path).ok.body.json }
            try client.emit(role, record: RoleCommand.fields)
        }
    }

    struct SetScopes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-scopes", abstract: "Replace a custom role's scopes.")
        @Argument(help: "The role's slug.") var slug: String
        @Option(name: .customLong("scope"), help: "A scope (repeat the option; none empties the role).") var scopes: [String] = []
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ReplaceRoleScopes.Input.Path(org: try org.slug(), role: slug)
            let role = try await client.authenticated().call {
                try await $0.replaceRoleScopes(path: path, body: .json(.init(scopes: scopes))).ok.body.json
            }
            try client.emit(role, record: RoleCommand.fields)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a custom role (refused while bound unless --force; asks first on a terminal)."
        )
        @Argument(help: "The role's slug.") var slug: String
        @Flag(help: "Also drop the role's bindings.") var force = false
        @OptionGroup var org: OrgOption
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.DeleteRole.Input.Path(org: try org.slug(), role: slug)
            // --force sends force=true; without it, no parameter (the server's default), as before.
            let query = Operations.DeleteRole.Input.Query(force: force ? true : nil)
            let api = try client.authenticated()
            try confirmation.confirm(force ? "Delete role \(slug) and every binding of it?" : "Delete role \(slug)?")
            _ = try await api.call { try await $0.deleteRole(path: path, query: query).noContent }
            client.emitDone("deleted role \(slug)")
        }
    }
}
