public import AgentOSAuth
public import Foundation

/// An OS role: a named bundle of scopes, bound to users and service accounts.
public struct Role: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var description: String
    public var builtin: Bool
    public var scopes: [String]
    var id: UUID
}

/// A role bound to a subject, on every OS of the organisation (`os == nil`) or on one.
public struct RoleBinding: Sendable, Equatable {
    public var id: UUID
    public var subject: Subject
    public var role: String
    public var os: String?
    public var createdAt: Date
}

/// One scope granted to a subject on one OS.
public struct ScopeGrant: Sendable, Equatable {
    public var id: UUID
    public var subject: Subject
    public var os: String
    public var scope: String
    public var createdAt: Date
}

/// A subject's effective scopes on one OS and where each comes from.
public struct EffectiveAccess: Sendable {
    /// Where a granted scope comes from.
    public struct Source: Sendable, Equatable {
        public enum Kind: String, Sendable { case role, grant }
        public var kind: Kind
        /// The binding or grant id.
        public var id: UUID
        /// The role's slug, for role bindings.
        public var role: String?
        /// The OS of the binding; `nil` for an org-wide binding.
        public var os: String?
    }

    public var subject: Subject
    /// What a token would carry: compiled (`docs/access.md`).
    public var scopes: [String]
    /// Each granted scope as stored, with its sources.
    public var grantedBy: [(scope: String, sources: [Source])]

    /// Sources of the compiled scope `scope` (e.g. `agents:run` may come from `agents:*:run`).
    public func sources(of scope: String) -> [Source] {
        grantedBy.filter { ScopeCompiler.compile([$0.scope]) == [scope] || $0.scope == scope }.flatMap(\.sources)
    }
}

/// The explanation of one request against one OS.
public struct Explanation: Sendable {
    public var evaluation: AccessEvaluation
    /// Sources of the matched scopes (empty for a token: it carries no provenance).
    public var grantedBy: [String: [EffectiveAccess.Source]]
    /// The subject the decision is about (`sub` for a token).
    public var subject: String?
}
