import ControlPlane
import Foundation

/// Each organisation's audit trail (`/v1/orgs/{org}/audit…`) and the system audit chain
/// (`/v1/audit…`, superuser): pages of events, newest first, and the chain's verification.
extension APIHandler {
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let access = try await access(input.path.org)
        let (limit, before) = try Self.paging(limit: input.query.limit, before: input.query.before)
        let events = try await audit.list(access, limit: limit, before: before)
        let labels = try await auditNames.labels(access, for: events)
        return .ok(.init(body: .json(.init(events: events.map { Components.Schemas.AuditEvent($0, labels: labels) }))))
    }

    func verifyAuditChain(_ input: Operations.VerifyAuditChain.Input) async throws -> Operations.VerifyAuditChain.Output {
        let access = try await access(input.path.org)
        let report = try await audit.verify(access, expectedHead: try input.query.expectHead.map { try AuditHead(parsing: $0) })
        return .ok(.init(body: .json(.init(report))))
    }

    func listSystemAuditEvents(_ input: Operations.ListSystemAuditEvents.Input) async throws -> Operations.ListSystemAuditEvents.Output {
        let (limit, before) = try Self.paging(limit: input.query.limit, before: input.query.before)
        let org = try Self.chain(input.query.org)
        let events = try await audit.listSystem(try RequestScope.current.requireCaller(), org: org, limit: limit, before: before)
        return .ok(.init(body: .json(.init(events: events.map { Components.Schemas.AuditEvent($0) }))))
    }

    func verifySystemAuditChain(
        _ input: Operations.VerifySystemAuditChain.Input
    ) async throws -> Operations.VerifySystemAuditChain.Output {
        let expected = try input.query.expectHead.map { try AuditHead(parsing: $0) }
        let report = try await audit.verifySystem(
            try RequestScope.current.requireCaller(),
            org: try Self.chain(input.query.org),
            expectedHead: expected
        )
        return .ok(.init(body: .json(.init(report))))
    }

    /// `org`: an organisation's id (its chain, deleted organisations' included), else the system chain.
    static func chain(_ org: String?) throws -> UUID? {
        guard let org else { return nil }
        guard let id = UUID(uuidString: org) else { throw APIError.badRequest("org must be an organisation id (a UUID)") }
        return id
    }

    /// `limit` (default 50) and `before` as integers; their range is the audit trail's to check.
    static func paging(limit: WireText?, before: WireText?) throws -> (limit: Int, before: Int64?) {
        guard let limit = Int(limit?.text ?? "50") else { throw APIError.badRequest("limit must be 1-500") }
        guard let before else { return (limit, nil) }
        guard let value = Int64(before.text) else { throw APIError.badRequest("before must be a positive sequence number") }
        return (limit, value)
    }
}

extension Components.Schemas.AuditEvent {
    /// `labels`: names for the ids among actors and targets (``AuditNames``); none for the system chain.
    init(_ event: AuditRecord, labels: [String: String] = [:]) {
        self.init(
            action: event.action,
            actor: event.actor,
            actorLabel: labels[event.actor],
            at: event.at,
            details: .init(additionalProperties: event.details),
            hash: event.hash,
            prevHash: event.prevHash,
            seq: Int(event.seq),
            target: event.target,
            targetLabel: labels[event.target]
        )
    }
}

extension Components.Schemas.AuditVerification {
    /// The chain recomputed; `broken_at` is the first altered event, `head` the one to pin.
    init(_ report: AuditTrail.ChainReport) {
        self.init(
            brokenAt: report.firstBroken.map { Components.Schemas.AuditEvent($0) },
            events: report.events,
            head: report.head.map { .init(mac: $0.mac, seq: Int($0.seq)) },
            reason: report.problem,
            verified: report.verified
        )
    }
}
