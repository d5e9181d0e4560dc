import AgentOSAuth
import ArgumentParser
import Foundation

/// How one source of a scope reads: `role os-viewer (every OS)` or `grant`.
func describeSource(_ source: JSONValue) -> String {
    guard source["kind"]?.stringValue == "role" else { return source["kind"]?.stringValue ?? "-" }
    return "role \(source["role"]?.stringValue ?? "?") (\(source["os"]?.stringValue.map { "OS \($0)" } ?? "every OS"))"
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
        let query =
            subject.hasPrefix("svc:") ? "service_account=" + queryValue(String(subject.dropFirst(4))) : "user=" + queryValue(subject)
        let reply = try await client.authenticated().get(try os.path() + "/access?" + query)
        client.emit(reply) { answer in
            let header = "subject: \(answer["subject.label"]?.cell ?? "-") (sub \(answer["subject.sub"]?.cell ?? "-"))"
            let table = Presenter.table(
                answer["granted_by"]?.array ?? [],
                [
                    Column("SCOPE", "scope"),
                    Column("GRANTED BY", read: { $0["sources"]?.array.map(describeSource).joined(separator: ", ") ?? "-" }),
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
        var body: [String: Any] = ["method": method.uppercased(), "path": path]
        if let subject { body["subject"] = subjectBody(subject) }
        body["token"] = accessToken
        let reply = try await client.authenticated().send("POST", try os.path() + "/explain", json: body)
        client.emit(reply) { answer in
            let grantedBy: String
            if case .object(let sources)? = answer["granted_by"], !sources.isEmpty {
                grantedBy = sources.keys.sorted().map { scope in
                    "\(scope) ← " + (sources[scope]?.array.map(describeSource).joined(separator: ", ") ?? "")
                }
                .joined(separator: "\n")
            } else {
                grantedBy = "-"
            }
            let verdict = answer["allowed"] == .bool(true) ? "yes" : "no"
            return Presenter.record(
                answer,
                [
                    Column("allowed", read: { "\(verdict) (\($0["status"]?.cell ?? "-"))" }),
                    Column("subject", "subject"),
                    Column("required", "required_scopes"),
                    Column("matched", "matched_scopes"),
                    Column("granted by", read: { _ in grantedBy }),
                    Column("detail", "detail"),
                ]
            )
        }
    }
}
