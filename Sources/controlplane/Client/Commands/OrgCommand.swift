import ArgumentParser
import Foundation

/// `controlplane org create|list`.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Organisations.",
        subcommands: [Create.self, List.self]
    )

    static let fields = [Column("slug", "slug"), Column("name", "name"), Column("id", "id"), Column("created", "created_at")]

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
}
