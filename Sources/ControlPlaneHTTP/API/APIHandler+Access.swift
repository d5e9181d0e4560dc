import AgentOSAuth
import ControlPlane
import Foundation

/// A subject's effective access to an OS (`…/os/{os}/access`) and what the OS would answer a
/// request, and why (`…/os/{os}/explain`).
extension APIHandler {
    func getEffectiveAccess(_ input: Operations.GetEffectiveAccess.Input) async throws -> Operations.GetEffectiveAccess.Output {
        let access = try await access(input.path.org)
        let reference = try SubjectBody(user: input.query.user, service_account: input.query.serviceAccount).reference()
        let effective = try await accessControl.effectiveAccess(access, os: input.path.os, subject: reference)
        return .ok(.init(body: .json(.init(effective))))
    }

    func explainDecision(_ input: Operations.ExplainDecision.Input) async throws -> Operations.ExplainDecision.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let explanation = try await accessControl.explain(
            access,
            os: input.path.os,
            subject: try body.subject.map { try SubjectBody(user: $0.user, service_account: $0.serviceAccount).reference() },
            token: body.token,
            method: body.method,
            path: body.path
        )
        return .ok(.init(body: .json(.init(explanation))))
    }
}

extension Components.Schemas.Source {
    init(_ source: EffectiveAccess.Source) {
        self.init(id: source.id.uuidString.lowercased(), kind: source.kind == .role ? .role : .grant, os: source.os, role: source.role)
    }
}

extension Components.Schemas.Access {
    init(_ access: EffectiveAccess) {
        self.init(
            grantedBy: access.grantedBy.map { .init(scope: $0.scope, sources: $0.sources.map(Components.Schemas.Source.init)) },
            scopes: access.scopes,
            subject: .init(access.subject)
        )
    }
}

extension Components.Schemas.Explanation {
    init(_ explanation: Explanation) {
        self.init(
            allowed: explanation.evaluation.allowed,
            detail: explanation.evaluation.detail,
            grantedBy: .init(additionalProperties: explanation.grantedBy.mapValues { $0.map(Components.Schemas.Source.init) }),
            matchedScopes: explanation.evaluation.matchedScopes,
            requiredScopes: explanation.evaluation.requiredScopes,
            status: explanation.evaluation.status,
            subject: explanation.subject
        )
    }
}
