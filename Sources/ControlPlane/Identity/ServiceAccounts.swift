public import Foundation
import Logging
import PostgresNIO

/// A service account as listed (never the secret).
public struct ServiceAccount: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var clientID: String
    public var tokenBroker: Bool
    public var createdAt: Date
    public var revokedAt: Date?
}

/// Machine identities of an organisation: they call the API with their secret and get tokens
/// through it or OAuth2 client credentials (`docs/access.md`).
public struct ServiceAccounts: Sendable {
    let client: PostgresClient
    let store: ServiceAccountStore
    let statusLists: StatusLists
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// Creates a service account (`manageServiceAccounts`); the client secret is returned once
    /// (`service_account.created` audited).
    public func create(_ access: OrgAccess, name: String, tokenBroker: Bool) async throws -> (ServiceAccount, String) {
        try access.require(.manageServiceAccounts)
        try Validation.name(name)
        let secret = Secrets.generate(prefix: "cpsa_")
        let account = ServiceAccount(
            id: UUID(),
            name: name,
            clientID: "cpc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            tokenBroker: tokenBroker,
            createdAt: now(),
            revokedAt: nil
        )
        try await client.transaction(logger: logger) { connection in
            try await store.insert(account, org: access.org.id, secretHash: Secrets.hash(secret), on: connection)
            let event = AuditEvent(
                .serviceAccountCreated,
                "svc:\(account.id.lowercased)",
                ["name": name, "token_broker": "\(tokenBroker)"]
            )
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: account.createdAt, on: connection)
        }
        return (account, secret)
    }

    /// A page of the organisation's service accounts, oldest first.
    public func list(_ access: OrgAccess, page: PageRequest) async throws -> Page<ServiceAccount> {
        try access.require(.manageServiceAccounts)
        let after = try page.after(.serviceAccounts).map(ListCursor.TimeKey.init)
        let rows = try await store.list(org: access.org.id, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .serviceAccounts) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Revokes a service account (`manageServiceAccounts`): no new tokens and no API calls; its
    /// outstanding tokens are revoked on every OS of the organisation (status lists).
    public func revoke(_ access: OrgAccess, id: UUID) async throws {
        try access.require(.manageServiceAccounts)
        let at = now()
        try await statusLists.flushRecords()
        try await client.transaction(logger: logger) { connection in
            guard try await store.revoke(id: id, org: access.org.id, at: at, on: connection) else {
                throw ControlPlaneError.notFound("no active service account \(id.lowercased)")
            }
            let subject = Subject(kind: .serviceAccount, id: id, label: "")
            try await statusLists.revokeSubject(subject, on: nil, org: access.org.id, on: connection)
            try await audit.append(
                .init(.serviceAccountRevoked, "svc:\(id.lowercased)"),
                org: access.org.id,
                by: access.caller.actor,
                at: at,
                on: connection
            )
        }
    }
}
