import Foundation

/// Who the ids of an organisation's audit events are, so people read names rather than UUIDs
/// (and find events by name): `user:<id>` as "Name <email>", `svc:<id>` as the service account's
/// name. The trail itself keeps the ids: names change, the chain must not.
public struct AuditNames: Sendable {
    let members: MemberStore
    let serviceAccounts: ServiceAccountStore

    /// Labels by id (`user:<id>`, `svc:<id>`) for the actors and targets of `records` (`readAudit`).
    public func labels(_ access: OrgAccess, for records: [AuditRecord]) async throws -> [String: String] {
        try access.require(.readAudit)
        var users: Set<UUID> = []
        var accounts: Set<UUID> = []
        for reference in records.flatMap({ [$0.actor, $0.target] }) {
            if let id = Self.id(reference, prefix: "user:") { users.insert(id) }
            if let id = Self.id(reference, prefix: "svc:") { accounts.insert(id) }
        }
        var labels: [String: String] = [:]
        for (id, label) in try await members.labels(users: Array(users)) { labels["user:\(id.lowercased)"] = label }
        for (id, name) in try await serviceAccounts.names(org: access.org.id, ids: Array(accounts)) {
            labels["svc:\(id.lowercased)"] = name
        }
        return labels
    }

    static func id(_ reference: String, prefix: String) -> UUID? {
        guard reference.hasPrefix(prefix) else { return nil }
        return UUID(uuidString: String(reference.dropFirst(prefix.count)))
    }
}
