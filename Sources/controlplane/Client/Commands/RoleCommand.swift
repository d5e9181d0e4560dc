import AgentOSAuth
import ArgumentParser
import Foundation

/// `controlplane role create|list|show|set-scopes|delete`.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "OS roles: named sets of scopes (os-admin, os-member and os-viewer are built in).",
        subcommands: [Create.self, List.self, Show.self, SetScopes.self, Delete.self]
    )

    static let fields = [
        Column("slug", "slug"), Column("name", "name"), Column("description", "description"), Column("builtin", "builtin"),
        Column("scopes", read: { $0["scopes"]?.array.map(\.cell).joined(separator: "\n") ?? "-" }),
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
            var body: [String: Any] = ["slug": slug, "scopes": scopes]
            body["name"] = name
            body["description"] = description
            let reply = try await client.authenticated().send("POST", try org.path() + "/roles", json: body)
            client.emit(reply, record: RoleCommand.fields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Built-in and custom roles.")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try org.path() + "/roles")
            client.emit(
                reply,
                table: "roles",
                [
                    Column("SLUG", "slug"), Column("BUILTIN", "builtin"),
                    Column("SCOPES", read: { "\($0["scopes"]?.array.count ?? 0)" }), Column("NAME", "name"),
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
            let reply = try await client.authenticated().get(try org.path() + "/roles/" + segment(slug))
            client.emit(reply, record: RoleCommand.fields)
        }
    }

    struct SetScopes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-scopes", abstract: "Replace a custom role's scopes.")
        @Argument(help: "The role's slug.") var slug: String
        @Option(name: .customLong("scope"), help: "A scope (repeat the option; none empties the role).") var scopes: [String] = []
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = try org.path() + "/roles/" + segment(slug) + "/scopes"
            let reply = try await client.authenticated().send("PUT", path, json: ["scopes": scopes])
            client.emit(reply, record: RoleCommand.fields)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom role (refused while bound unless --force).")
        @Argument(help: "The role's slug.") var slug: String
        @Flag(help: "Also drop the role's bindings.") var force = false
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().delete(try org.path() + "/roles/" + segment(slug) + (force ? "?force=true" : ""))
            client.emit(reply) { _ in "deleted role \(slug)" }
        }
    }
}
