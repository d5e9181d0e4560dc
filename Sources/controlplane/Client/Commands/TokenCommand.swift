import AgentOSAuth
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
            var body: [String: Any] = [:]
            body["subject"] = subject
            if !scopes.isEmpty { body["scopes"] = scopes }
            body["ttl_seconds"] = ttl
            body["session_id"] = sessionID
            let reply = try await client.authenticated().send("POST", try os.path() + "/tokens", json: body)
            client.emit(reply) { $0["access_token"]?.stringValue ?? "" }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Revoke tokens of an OS (one by --jti or --token, or every outstanding one of --subject); OSes see it within the status list's ttl."
        )
        @OptionGroup var os: OSOption
        @Option(help: "The jti of the token to revoke.") var jti: String?
        @Option(help: "The token to revoke ('-' reads it from standard input).") var token: String?
        @Option(help: "Revoke every outstanding token of this subject on the OS: an email, a user id or svc:<id>.") var subject: String?
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard [jti, token, subject].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --jti, --token and --subject")
            }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            body["jti"] = jti
            if let token {
                body["token"] = token == "-" ? (readLine() ?? "").trimmingCharacters(in: .whitespacesAndNewlines) : token
            }
            body["subject"] = subject
            let reply = try await client.authenticated().send("POST", try os.path() + "/token-revocations", json: body)
            client.emit(reply) { "revoked \($0["revoked"]?.cell ?? "0") token(s)" }
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
            let body: [String: Any] = ["name": name, "token_broker": tokenBroker]
            let reply = try await client.authenticated().send("POST", try org.path() + "/service-accounts", json: body)
            client.emit(
                reply,
                record: [
                    Column("id", "id"), Column("name", "name"), Column("sub", read: { "svc:\($0["id"]?.cell ?? "")" }),
                    Column("client id", "client_id"), Column("token broker", "token_broker"),
                    Column("client secret", read: { "\($0["client_secret"]?.cell ?? "-")   (shown once: store it now)" }),
                ]
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Service accounts (no secrets).")
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().get(try org.path() + "/service-accounts")
            client.emit(
                reply,
                table: "service_accounts",
                [
                    Column("ID", "id"), Column("NAME", "name"), Column("CLIENT ID", "client_id"), Column("BROKER", "token_broker"),
                    Column("REVOKED", "revoked_at"),
                ]
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a service account: its secret and client id stop working.")
        @Argument(help: "The service account id.") var id: String
        @OptionGroup var org: OrgOption
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply = try await client.authenticated().delete(try org.path() + "/service-accounts/" + segment(id))
            client.emit(reply) { _ in "revoked service account \(id)" }
        }
    }
}
