import ArgumentParser
import Foundation

/// The subject argument shared by bind/grant/access: an email, a user id or `svc:<service account id>`.
let subjectHelp = ArgumentHelp("The subject: a member's email or user id, or svc:<service account id>.")

/// Whether a listed binding or grant is about `subject` (its email, id or token `sub`).
func isAbout(_ listed: Components.Schemas.Subject, _ subject: String) -> Bool {
    [listed.label, listed.id, listed.sub].compactMap { $0?.lowercased() }.contains(subject.lowercased())
}

/// `controlplane bind`: gives a subject a role on one OS or on every OS of the organisation.
struct BindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bind", abstract: "Bind a role to a member or service account.")
    static let fields: [Column<Components.Schemas.RoleBinding>] = [
        Column("id") { Cell.text($0.id) }, Column("subject") { Cell.text($0.subject.label) }, Column("sub") { Cell.text($0.subject.sub) },
        Column("role") { Cell.text($0.role) }, Column("os") { $0.os ?? "every OS" },
    ]

    @Argument(help: subjectHelp) var subject: String
    @Option(help: "The role's slug, e.g. os-viewer.") var role: String
    @Option(help: "Only this OS (default: every OS of the organisation).") var os: String?
    @OptionGroup var org: OrgOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let subject = SubjectReference(subject)
        let body = Operations.CreateRoleBinding.Input.Body.JsonPayload(
            os: os,
            role: role,
            subject: .init(serviceAccount: subject.serviceAccount, user: subject.user)
        )
        let path = Operations.CreateRoleBinding.Input.Path(org: try org.slug())
        let binding = try await client.authenticated().call {
            try await $0.createRoleBinding(path: path, body: .json(body)).created.body.json
        }
        try client.emit(binding, record: Self.fields)
    }
}

/// `controlplane unbind`: by binding id, or by subject + role (+ OS).
struct UnbindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind",
        abstract: "Remove a role binding: `unbind <binding id>` or `unbind <subject> --role R [--os X]` (asks first on a terminal)."
    )

    @Argument(help: "A binding id, or the subject when --role is given.") var target: String
    @Option(help: "The bound role (find the binding by subject and role).") var role: String?
    @Option(help: "With --role: the binding's OS (default: the organisation-wide binding).") var os: String?
    @OptionGroup var org: OrgOption
    @OptionGroup var confirmation: Confirmation
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.authenticated()
        let org = try self.org.slug()
        var id = target
        // With --role, the target is a subject: the binding is found in the listing.
        if let role {
            let bindings = try await api.everyPage { api, cursor in
                let page = try await api.listRoleBindings(
                    path: .init(org: org),
                    query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)
                )
                .ok.body.json
                return (page.roleBindings, page.nextCursor)
            }
            guard let found = bindings.first(where: { isAbout($0.subject, target) && $0.role == role && $0.os == os }) else {
                throw fail("no binding of role \(role) for \(target) on \(os.map { "OS \($0)" } ?? "every OS")")
            }
            id = found.id
            try confirmation.confirm("Remove the binding of role \(role) for \(target) on \(os.map { "OS \($0)" } ?? "every OS")?")
        } else {
            try confirmation.confirm("Remove role binding \(id)?")
        }
        _ = try await api.call { [id] in try await $0.deleteRoleBinding(path: .init(org: org, id: id)).noContent }
        client.emitDone("removed binding \(id)")
    }
}

/// `controlplane grant`: one scope for one subject on one OS.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Grant one scope on one OS, e.g. `grant alice@example.com agents:web-agent:run --os prod`."
    )
    static let fields: [Column<Components.Schemas.Grant>] = [
        Column("id") { Cell.text($0.id) }, Column("subject") { Cell.text($0.subject.label) }, Column("sub") { Cell.text($0.subject.sub) },
        Column("scope") { Cell.text($0.scope) }, Column("os") { Cell.text($0.os) },
    ]

    @Argument(help: subjectHelp) var subject: String
    @Argument(help: "The scope, e.g. agents:web-agent:run.") var scope: String
    @OptionGroup var os: OSOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let subject = SubjectReference(subject)
        let body = Operations.CreateGrant.Input.Body.JsonPayload(
            scope: scope,
            subject: .init(serviceAccount: subject.serviceAccount, user: subject.user)
        )
        let path = Operations.CreateGrant.Input.Path(org: try os.org.slug(), os: os.os)
        let grant = try await client.authenticated().call { try await $0.createGrant(path: path, body: .json(body)).created.body.json }
        try client.emit(grant, record: Self.fields)
    }
}

/// `controlplane revoke-grant`: by grant id, or by subject + scope.
struct RevokeGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-grant",
        abstract:
            "Remove a grant: `revoke-grant <grant id> --os X` or `revoke-grant <subject> <scope> --os X` (asks first on a terminal)."
    )

    @Argument(help: "A grant id, or the subject when a scope follows.") var target: String
    @Argument(help: "The granted scope (find the grant by subject and scope).") var scope: String?
    @OptionGroup var os: OSOption
    @OptionGroup var confirmation: Confirmation
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.authenticated()
        let (org, os) = (try self.os.org.slug(), self.os.os)
        var id = target
        // With a scope, the target is a subject: the grant is found in the listing.
        if let scope {
            let grants = try await api.everyPage { api, cursor in
                let page = try await api.listGrants(
                    path: .init(org: org, os: os),
                    query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor)
                )
                .ok.body.json
                return (page.grants, page.nextCursor)
            }
            guard let found = grants.first(where: { isAbout($0.subject, target) && $0.scope == scope }) else {
                throw fail("no grant of \(scope) for \(target) on OS \(os)")
            }
            id = found.id
            try confirmation.confirm("Revoke the grant of \(scope) for \(target) on OS \(os)?")
        } else {
            try confirmation.confirm("Revoke grant \(id) on OS \(os)?")
        }
        _ = try await api.call { [id] in try await $0.deleteGrant(path: .init(org: org, os: os, id: id)).noContent }
        client.emitDone("revoked grant \(id)")
    }
}
