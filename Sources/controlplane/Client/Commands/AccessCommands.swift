import ArgumentParser
import Foundation

/// How one source of a scope reads: `role os-viewer (every OS)` or `grant`.
func describeSource(_ source: Components.Schemas.Source) -> String {
    guard source.kind == .role else { return source.kind.rawValue }
    return "role \(source.role ?? "?") (\(source.os.map { "OS \($0)" } ?? "every OS"))"
}

/// `controlplane access`: a subject's effective scopes on one OS and where each comes from.
struct AccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Effective scopes of a member or service account on one OS, with their sources."
    )

    @Argument(help: subjectHelp) var subject: String
    @OptionGroup var os: OSOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let subject = SubjectReference(subject)
        let path = Operations.GetEffectiveAccess.Input.Path(org: try os.org.slug(), os: os.os)
        let query = Operations.GetEffectiveAccess.Input.Query(user: subject.user, serviceAccount: subject.serviceAccount)
        let access = try await client.authenticated().call { try await $0.getEffectiveAccess(path: path, query: query).ok.body.json }
        try client.emit(access) { answer in
            let header = "subject: \(Cell.text(answer.subject.label)) (sub \(Cell.text(answer.subject.sub)))"
            let table = Presenter.table(
                answer.grantedBy,
                [
                    Column("SCOPE") { Cell.text($0.scope) },
                    Column("GRANTED BY") { $0.sources.map { $0.map(describeSource).joined(separator: ", ") } ?? "-" },
                ]
            )
            return header + "\n" + table
        }
    }
}

/// `controlplane explain`: what the OS would answer to one request, and why.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain the OS's decision for a request by a subject (or carrying a token).",
        discussion: "Exits 0 whether the request would be allowed or not; read `allowed` (or --json)."
    )

    @Option(help: "HTTP method of the request.") var method = "GET"
    @Option(help: "Path of the request on the OS, e.g. /agents/web-agent/runs.") var path: String
    @Option(help: "Whose request (default: yours).", completion: nil) var subject: String?
    @Option(name: .customLong("access-token"), help: "Explain for this JWT instead of a subject.") var accessToken: String?
    @OptionGroup var os: OSOption
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if subject != nil && accessToken != nil { throw ValidationError("--subject and --access-token exclude each other") }
    }

    func run() async throws {
        let subject = subject.map(SubjectReference.init)
        let body = Operations.ExplainDecision.Input.Body.JsonPayload(
            method: method.uppercased(),
            path: path,
            subject: subject.map { .init(serviceAccount: $0.serviceAccount, user: $0.user) },
            token: accessToken
        )
        let path = Operations.ExplainDecision.Input.Path(org: try os.org.slug(), os: os.os)
        let explanation = try await client.authenticated().call { try await $0.explainDecision(path: path, body: .json(body)).ok.body.json }
        try client.emit(explanation) { answer in
            let sources = answer.grantedBy?.additionalProperties ?? [:]
            let grantedBy =
                sources.isEmpty
                ? "-"
                : sources.keys.sorted().map { scope in "\(scope) ← " + (sources[scope] ?? []).map(describeSource).joined(separator: ", ") }
                    .joined(separator: "\n")
            return Presenter.record(
                answer,
                [
                    Column("allowed") { "\($0.allowed ? "yes" : "no") (\($0.status))" },
                    Column("subject") { Cell.text($0.subject) },
                    Column("required") { Cell.list($0.requiredScopes) },
                    Column("matched") { Cell.list($0.matchedScopes) },
                    Column("granted by") { _ in grantedBy },
                    Column("detail") { Cell.text($0.detail) },
                ]
            )
        }
    }
}
