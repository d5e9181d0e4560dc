import AgentOSAuth
import ArgumentParser
import Foundation

/// `controlplane audit list|verify`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "An organisation's hash-chained audit trail.",
        subcommands: [List.self, Verify.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit events, newest first.")
        @Option(help: "How many events (1-500).") var limit = 50
        @Option(help: "Only events before this sequence number (paging).") var before: Int?
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let query = "?limit=\(limit)" + (before.map { "&before=\($0)" } ?? "")
            let reply = try await client.authenticated().get(try org.path() + "/audit" + query)
            client.emit(
                reply,
                table: "events",
                [
                    Column("SEQ", "seq"), Column("AT", "at"), Column("ACTOR", "actor"), Column("ACTION", "action"),
                    Column("TARGET", "target"),
                ]
            )
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the chain; exits 1 naming the first event that was altered or removed."
        )
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = try org.path()
            let reply = try await client.authenticated().get(path + "/audit/verify")
            let answer = reply.json
            let verified = answer["verified"] == .bool(true)
            if verified || client.json {
                client.emit(reply) { answer in "audit chain verified: \(answer["events"]?.cell ?? "0") events intact" }
            }
            if !verified {
                let seq = answer["broken_at.seq"]?.cell ?? "?"
                let what = "\(answer["broken_at.action"]?.cell ?? "?") \(answer["broken_at.target"]?.cell ?? "?")"
                throw fail("audit chain is broken at event \(seq) (\(what))")
            }
        }
    }
}
