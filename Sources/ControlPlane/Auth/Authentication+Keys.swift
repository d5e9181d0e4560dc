public import Foundation
import PostgresNIO

/// API keys: a user's own, and superuser keys. Each creation and revocation is written to the
/// system audit chain (they belong to no organisation) in the transaction that makes it.
extension Authentication {
    /// Creates an API key for the calling user; it acts with the user's permissions, never more.
    public func createAPIKey(_ caller: Caller, name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        guard let user = caller.userID else {
            throw ControlPlaneError.invalid("API keys belong to users; superuser keys are created with `controlplane admin-key create`")
        }
        let (info, secret) = try newAPIKey(name: name, expiresInDays: expiresInDays)
        try await client.transaction(logger: logger) { connection in
            try await credentials.insertAPIKey(info, hash: Secrets.hash(secret), user: user, on: connection)
            try await audit.appendSystem(Self.event(.apiKeyCreated, info), by: caller.actor, at: info.createdAt, on: connection)
        }
        return (info, secret)
    }

    /// A page of the caller's live API keys, oldest first.
    public func listAPIKeys(_ caller: Caller, page: PageRequest) async throws -> Page<APIKeyInfo> {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        let after = try page.after(.apiKeys).map(ListCursor.TimeKey.init)
        let rows = try await credentials.apiKeys(user: user, after: after, limit: page.fetch)
        return Page.of(rows, page, list: .apiKeys) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Revokes one of the caller's keys (404 for anyone else's).
    public func deleteAPIKey(_ caller: Caller, id: UUID) async throws {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        let at = now()
        try await client.transaction(logger: logger) { connection in
            guard try await credentials.revokeAPIKey(id: id, user: user, at: at, on: connection) else {
                throw ControlPlaneError.notFound("no API key \(id.lowercased)")
            }
            let event = AuditEvent(.apiKeyRevoked, "api_key:\(id.lowercased)", ["user": user.lowercased])
            try await audit.appendSystem(event, by: caller.actor, at: at, on: connection)
        }
    }

    /// Creates a superuser key and returns it (the only time it is visible): at bootstrap and by
    /// `controlplane admin-key create`, on the database (audited with the actor `system`).
    public func createSuperuserKey(name: String, expiresInDays: Int? = nil) async throws -> String {
        try await newSuperuserKey(name: name, expiresInDays: expiresInDays, by: AuditActor("system")).1
    }

    /// Creates a superuser key over the API (the superuser key only).
    public func createSuperuserKey(_ caller: Caller, name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        try Self.requireSuperuser(caller)
        let created = try await newSuperuserKey(name: name, expiresInDays: expiresInDays, by: caller.actor)
        logger.notice("superuser key created", metadata: ["id": "\(created.0.id.lowercased)", "by": "\(caller.actor.id)"])
        return created
    }

    /// Live superuser keys (never the secrets).
    public func listSuperuserKeys(_ caller: Caller, page: PageRequest) async throws -> Page<APIKeyInfo> {
        try Self.requireSuperuser(caller)
        let after = try page.after(.superuserKeys).map(ListCursor.TimeKey.init)
        let rows = try await credentials.superuserKeys(at: now(), after: after, limit: page.fetch)
        return Page.of(rows, page, list: .superuserKeys) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Revokes a superuser key (a leaked `admin.key`, too). The last live one can only go once an
    /// organisation has an active owner, so the control plane is never left without anyone in charge.
    public func revokeSuperuserKey(_ caller: Caller, id: UUID) async throws {
        try Self.requireSuperuser(caller)
        let at = now()
        let outcome = try await client.transaction(logger: logger) { connection in
            let outcome = try await credentials.revokeSuperuserKey(id: id, at: at, on: connection)
            if outcome == .revoked {
                try await audit.appendSystem(
                    .init(.superuserKeyRevoked, "superuser_key:\(id.lowercased)"),
                    by: caller.actor,
                    at: at,
                    on: connection
                )
            }
            return outcome
        }
        switch outcome {
        case .revoked: logger.notice("superuser key revoked", metadata: ["id": "\(id.lowercased)", "by": "\(caller.actor.id)"])
        case .missing: throw ControlPlaneError.notFound("no live superuser key \(id.lowercased)")
        case .last:
            throw ControlPlaneError.conflict(
                "this is the last superuser key and no organisation has an active owner yet: invite an owner first (or create another key)"
            )
        }
    }

    static func requireSuperuser(_ caller: Caller) throws {
        guard case .superuser = caller.identity else { throw ControlPlaneError.forbidden("only a superuser key manages superuser keys") }
    }

    private func newSuperuserKey(name: String, expiresInDays: Int?, by actor: AuditActor) async throws -> (APIKeyInfo, String) {
        let (info, secret) = try newAPIKey(name: name, expiresInDays: expiresInDays)
        try await client.transaction(logger: logger) { connection in
            try await credentials.insertSuperuserKey(info, hash: Secrets.hash(secret), on: connection)
            try await audit.appendSystem(Self.event(.superuserKeyCreated, info), by: actor, at: info.createdAt, on: connection)
        }
        return (info, secret)
    }

    /// What the chain records of a new key: its id, name, prefix and expiry (never the secret).
    private static func event(_ action: AuditAction, _ key: APIKeyInfo) -> AuditEvent {
        var details = ["name": key.name, "prefix": key.prefix]
        details["expires_at"] = key.expiresAt.map { ISO8601DateFormatter().string(from: $0) }
        let kind = action == .apiKeyCreated ? "api_key" : "superuser_key"
        return AuditEvent(action, "\(kind):\(key.id.lowercased)", details)
    }

    /// A new `cpk_` key and its listing, validated; the caller stores it for a user or as superuser.
    private func newAPIKey(name: String, expiresInDays: Int?) throws -> (APIKeyInfo, String) {
        try Validation.name(name)
        if let days = expiresInDays, !(1...3650).contains(days) { throw ControlPlaneError.invalid("expires_in_days must be 1-3650") }
        let secret = Secrets.generate(prefix: "cpk_")
        let at = now()
        let info = APIKeyInfo(
            id: UUID(),
            name: name,
            prefix: String(secret.prefix(12)),
            createdAt: at,
            expiresAt: expiresInDays.map { at.addingTimeInterval(Double($0) * 86_400) }
        )
        return (info, secret)
    }
}
