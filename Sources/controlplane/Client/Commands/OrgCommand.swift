import ArgumentParser
import Foundation

/// `controlplane org create|list|update`.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Organisations.",
        subcommands: [Create.self, List.self, Update.self]
    )

    static let fields = [
        Column("slug", "slug"), Column("name", "name"), Column("id", "id"), Column("created", "created_at"),
        Column("require mfa", "require_mfa"),
    ]

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation (a user creating one becomes its owner).")
        @Argument(help: "Slug: lowercase letters, digits and dashes.") var slug: String
        @Option(help: "Display name (default: the slug).") var name: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().send("POST", "/v1/orgs", json: ["slug": slug, "name": name ?? slug])
            client.emit(reply, record: OrgCommand.fields)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Organisations you can see.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get("/v1/orgs")
            client.emit(reply, table: "organizations", [Column("SLUG", "slug"), Column("NAME", "name"), Column("CREATED", "created_at")])
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
            let reply = try await client.authenticated().send("PATCH", "/v1/orgs/" + segment(slug), json: ["require_mfa": requireMfa])
            client.emit(reply, record: OrgCommand.fields)
        }
    }
}
