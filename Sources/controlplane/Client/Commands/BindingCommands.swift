import AgentOSAuth
import ArgumentParser
import Foundation

/// The subject argument shared by bind/grant/access: an email, a user id or `svc:<service account id>`.
let subjectHelp = ArgumentHelp("The subject: a member's email or user id, or svc:<service account id>.")

/// Whether a listed binding or grant is about `subject` (its email, id or token `sub`).
func isAbout(_ item: JSONValue, _ subject: String) -> Bool {
    let candidates = ["subject.label", "subject.id", "subject.sub"].compactMap { item[$0]?.stringValue?.lowercased() }
    return candidates.contains(subject.lowercased())
}

/// Deletes `<base>/<id>` and prints `done`. With a `selector`, the id is that of the first item of the
/// listing at `base` (under `key`) it accepts, so `unbind` and `revoke-grant` also take subject + role/scope.
func deleteListed(
    _ client: ClientOptions,
    base: String,
    id: String,
    key: String,
    selector: ((JSONValue) -> Bool)?,
    missing: String,
    done: String
) async throws {
    let api = try client.authenticated()
    var id = id
    if let selector {
        guard let found = (try await api.get(base).json[key]?.array ?? []).first(where: selector)?["id"]?.stringValue else {
            throw fail(missing)
        }
        id = found
    }
    let reply = try await api.delete(base + "/" + segment(id))
    client.emit(reply) { _ in "\(done) \(id)" }
}

/// `controlplane bind`: gives a subject a role on one OS or on every OS of the organisation.
struct BindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bind", abstract: "Bind a role to a member or service account.")
    static let fields = [
        Column("id", "id"), Column("subject", "subject.label"), Column("sub", "subject.sub"), Column("role", "role"),
        Column("os", read: { $0["os"]?.stringValue ?? "every OS" }),
    ]

    @Argument(help: subjectHelp) var subject: String
    @Option(help: "The role's slug, e.g. os-viewer.") var role: String
    @Option(help: "Only this OS (default: every OS of the organisation).") var os: String?
    @OptionGroup var org: OrgOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var body: [String: Any] = ["subject": subjectBody(subject), "role": role]
        body["os"] = os
        let reply = try await client.authenticated().send("POST", try org.path() + "/role-bindings", json: body)
        client.emit(reply, record: Self.fields)
    }
}

/// `controlplane unbind`: by binding id, or by subject + role (+ OS).
struct UnbindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind",
        abstract: "Remove a role binding: `unbind <binding id>` or `unbind <subject> --role R [--os X]`."
    )

    @Argument(help: "A binding id, or the subject when --role is given.") var target: String
    @Option(help: "The bound role (find the binding by subject and role).") var role: String?
    @Option(help: "With --role: the binding's OS (default: the organisation-wide binding).") var os: String?
    @OptionGroup var org: OrgOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let selector = role.map { role in
            { (item: JSONValue) in isAbout(item, target) && item["role"]?.stringValue == role && item["os"]?.stringValue == os }
        }
        try await deleteListed(
            client,
            base: try org.path() + "/role-bindings",
            id: target,
            key: "role_bindings",
            selector: selector,
            missing: "no binding of role \(role ?? "") for \(target) on \(os.map { "OS \($0)" } ?? "every OS")",
            done: "removed binding"
        )
    }
}

/// `controlplane grant`: one scope for one subject on one OS.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Grant one scope on one OS, e.g. `grant alice@example.com agents:web-agent:run --os prod`."
    )
    static let fields = [
        Column("id", "id"), Column("subject", "subject.label"), Column("sub", "subject.sub"), Column("scope", "scope"), Column("os", "os"),
    ]

    @Argument(help: subjectHelp) var subject: String
    @Argument(help: "The scope, e.g. agents:web-agent:run.") var scope: String
    @OptionGroup var os: OSOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let body: [String: Any] = ["subject": subjectBody(subject), "scope": scope]
        let reply = try await client.authenticated().send("POST", try os.path() + "/grants", json: body)
        client.emit(reply, record: Self.fields)
    }
}

/// `controlplane revoke-grant`: by grant id, or by subject + scope.
struct RevokeGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-grant",
        abstract: "Remove a grant: `revoke-grant <grant id> --os X` or `revoke-grant <subject> <scope> --os X`."
    )

    @Argument(help: "A grant id, or the subject when a scope follows.") var target: String
    @Argument(help: "The granted scope (find the grant by subject and scope).") var scope: String?
    @OptionGroup var os: OSOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let selector = scope.map { scope in { (item: JSONValue) in isAbout(item, target) && item["scope"]?.stringValue == scope } }
        try await deleteListed(
            client,
            base: try os.path() + "/grants",
            id: target,
            key: "grants",
            selector: selector,
            missing: "no grant of \(scope ?? "") for \(target) on OS \(os.os)",
            done: "revoked grant"
        )
    }
}
