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

        /// The organisation's slug, `nil` for the system chain.
        func organization() throws -> String? { system ? nil : try org.slug() }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit events, newest first.")
        @Option(help: "How many events (1-500).") var limit = 50
        @Option(help: "Only events before this sequence number (paging).") var before: Int?
        @OptionGroup var chain: ChainOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let org = try chain.organization()
            let answer = try await client.authenticated().call { client in
                if let org {
                    try await client.listAuditEvents(path: .init(org: org), query: .init(limit: limit, before: before)).ok.body.json.events
                } else {
                    try await client.listSystemAuditEvents(query: .init(limit: limit, before: before)).ok.body.json.events
                }
            }
            // Both chains answer `{"events": […]}`; the organisation's type stands for either.
            try client.emit(
                Operations.ListAuditEvents.Output.Ok.Body.JsonPayload(events: answer),
                table: answer,
                [
                    Column("SEQ") { Cell.number($0.seq) }, Column("AT") { Cell.date($0.at) }, Column("ACTOR") { Cell.text($0.actor) },
                    Column("ACTION") { Cell.text($0.action) }, Column("TARGET") { Cell.text($0.target) },
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
            let org = try chain.organization()
            let answer = try await client.authenticated().call { client in
                if let org {
                    try await client.verifyAuditChain(path: .init(org: org), query: .init(expectHead: expectHead)).ok.body.json
                } else {
                    try await client.verifySystemAuditChain(query: .init(expectHead: expectHead)).ok.body.json
                }
            }
            if answer.verified || client.json {
                try client.emit(answer) { answer in
                    let head = answer.head.map { "\($0.seq):\(Cell.text($0.mac))" } ?? "none (empty chain)"
                    return "audit chain verified: \(answer.events) events intact; head \(head)"
                }
            }
            if !answer.verified {
                let reason = Cell.text(answer.reason ?? "?")
                guard let broken = answer.brokenAt else { throw fail("audit chain does not verify: \(reason)") }
                throw fail(
                    "audit chain is broken at event \(broken.seq) (\(Cell.text(broken.action)) \(Cell.text(broken.target))): \(reason)"
                )
            }
        }
    }
}
