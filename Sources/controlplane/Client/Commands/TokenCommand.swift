import ArgumentParser
import Foundation

/// `controlplane token issue|revoke`: access tokens for an OS.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Access tokens for an OS.",
        subcommands: [Issue.self, Revoke.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an access token; prints only the token (--json for expiry, scopes, kid and jti)."
        )
        @OptionGroup var os: OSOption
        @Option(help: "Whom the token is for: an email, a user id or svc:<id> (default: you).") var subject: String?
        @Option(name: .customLong("scope"), help: "Narrow the token to this scope (repeat; default: every effective scope).")
        var scopes: [String] = []
        @Option(help: "Lifetime in seconds (default 3600).") var ttl: Int?
        @Option(help: "A session id claim; an AgentOS uses it as the run's session.") var sessionID: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            // No --scope: no `scopes` (every effective scope), not an empty list.
            let body = Operations.IssueToken.Input.Body.JsonPayload(
                scopes: scopes.isEmpty ? nil : scopes,
                sessionId: sessionID,
                subject: subject,
                ttlSeconds: ttl
            )
            let path = Operations.IssueToken.Input.Path(org: try os.org.slug(), os: os.os)
            let token = try await client.authenticated().call { try await $0.issueToken(path: path, body: .json(body)).created.body.json }
            try client.emit(token) { $0.accessToken }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Revoke tokens of an OS (one by --jti or --access-token, or every outstanding one of --subject); OSes see it within the status list's ttl."
        )
        @OptionGroup var os: OSOption
        @Option(help: "The jti of the token to revoke.") var jti: String?
        // Not `--token`: that is the caller's credential (ClientOptions), and two options of one
        // name made ArgumentParser refuse every `token revoke`.
        @Option(name: .customLong("access-token"), help: "The token to revoke ('-' reads it from standard input).")
        var accessToken: String?
        @Option(help: "Revoke every outstanding token of this subject on the OS: an email, a user id or svc:<id>.") var subject: String?
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard [jti, accessToken, subject].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --jti, --access-token and --subject")
            }
        }

        func run() async throws {
            let token = accessToken.map { $0 == "-" ? (readLine() ?? "").trimmingCharacters(in: .whitespacesAndNewlines) : $0 }
            let path = Operations.RevokeTokens.Input.Path(org: try os.org.slug(), os: os.os)
            let api = try client.authenticated()
            let which = subject.map { "every outstanding token of \($0)" } ?? jti.map { "token \($0)" } ?? "this token"
            try confirmation.confirm("Revoke \(which) on OS \(os.os)?")
            let answer = try await api.call {
                try await $0.revokeTokens(path: path, body: .json(.init(jti: jti, subject: subject, token: token))).ok.body.json
            }
            try client.emit(answer) { "revoked \($0.revoked) token(s)" }
        }
    }
}

/// `controlplane service-account create|list|delete`.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-account",
        abstract: "Machine clients that get tokens with OAuth2 client credentials.",
        subcommands: [Create.self, List.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a service account; its client secret is printed once.")
        @Argument(help: "A name for it.") var name: String
        @Flag(help: "It may issue tokens for other subjects.") var tokenBroker = false
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.CreateServiceAccount.Input.Path(org: try org.slug())
            let account = try await client.authenticated().call {
                try await $0.createServiceAccount(path: path, body: .json(.init(name: name, tokenBroker: tokenBroker))).created.body.json
            }
            try client.emit(
                account,
                record: [
                    Column("id") { Cell.text($0.id) }, Column("name") { Cell.text($0.name) }, Column("sub") { "svc:\(Cell.text($0.id))" },
                    Column("client id") { Cell.text($0.clientId) }, Column("token broker") { Cell.flag($0.tokenBroker) },
                    Column("client secret") { "\(Cell.text($0.clientSecret))   (shown once: store it now)" },
                ]
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Service accounts (no secrets).")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.ListServiceAccounts.Input.Path(org: try org.slug())
            let items = try await client.authenticated().everyPage { api, cursor in
                let page = try await api.listServiceAccounts(path: path, query: .init(limit: ControlPlaneClient.pageLimit, cursor: cursor))
                    .ok.body.json
                return (page.serviceAccounts, page.nextCursor)
            }
            let answer = Operations.ListServiceAccounts.Output.Ok.Body.JsonPayload(serviceAccounts: items)
            try client.emit(
                answer,
                table: answer.serviceAccounts,
                [
                    Column("ID") { Cell.text($0.id) }, Column("NAME") { Cell.text($0.name) },
                    Column("CLIENT ID") { Cell.text($0.clientId) },
                    Column("BROKER") { Cell.flag($0.tokenBroker) }, Column("REVOKED") { Cell.date($0.revokedAt) },
                ]
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a service account: its secret and client id stop working (asks first on a terminal)."
        )
        @Argument(help: "The service account id.") var id: String
        @OptionGroup var org: OrgOption
        @OptionGroup var confirmation: Confirmation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let path = Operations.RevokeServiceAccount.Input.Path(org: try org.slug(), id: id)
            let api = try client.authenticated()
            try confirmation.confirm("Revoke service account \(id)? Its secret and client id stop working.")
            _ = try await api.call { try await $0.revokeServiceAccount(path: path).noContent }
            client.emitDone("revoked service account \(id)")
        }
    }
}
