import AgentOSAuth
import ArgumentParser
import Foundation

/// `controlplane audit list|verify`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "An organisation's MAC-chained audit trail (or, with --system, the chain of events of no organisation).",
        subcommands: [List.self, Verify.self]
    )

    /// `--system` or `--org`: which chain.
    struct ChainOption: ParsableArguments {
        @Flag(help: "The system chain (superuser and API keys, MFA changes; the superuser key only) instead of an organisation's.")
        var system = false
        @OptionGroup var org: OrgOption

        func path() throws -> String { system ? "/v1/audit" : try org.path() + "/audit" }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit events, newest first.")
        @Option(help: "How many events (1-500).") var limit = 50
        @Option(help: "Only events before this sequence number (paging).") var before: Int?
        @OptionGroup var chain: ChainOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let query = "?limit=\(limit)" + (before.map { "&before=\($0)" } ?? "")
            let reply = try await client.authenticated().get(try chain.path() + query)
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
            abstract: "Recompute the chain's MACs and print its head; exits 1 naming what was altered, removed or cut.",
            discussion: """
                Keep the printed head (seq:mac) somewhere the database's writers cannot reach, and pass it next time \
                with --expect-head: a chain whose tail was cut then fails too.
                """
        )
        @Option(help: "A head printed by an earlier verify (seq:mac); the chain must still hold it.") var expectHead: String?
        @OptionGroup var chain: ChainOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let query = expectHead.map { "?expect_head=" + queryValue($0) } ?? ""
            let reply = try await client.authenticated().get(try chain.path() + "/verify" + query)
            let answer = reply.json
            let verified = answer["verified"] == .bool(true)
            if verified || client.json {
                client.emit(reply) { answer in
                    let head = answer["head.seq"].map { "\($0.cell):\(answer["head.mac"]?.cell ?? "")" } ?? "none (empty chain)"
                    return "audit chain verified: \(answer["events"]?.cell ?? "0") events intact; head \(head)"
                }
            }
            if !verified {
                let reason = answer["reason"]?.cell ?? "?"
                guard let seq = answer["broken_at.seq"]?.cell else { throw fail("audit chain does not verify: \(reason)") }
                let what = "\(answer["broken_at.action"]?.cell ?? "?") \(answer["broken_at.target"]?.cell ?? "?")"
                throw fail("audit chain is broken at event \(seq) (\(what)): \(reason)")
            }
        }
    }
}
