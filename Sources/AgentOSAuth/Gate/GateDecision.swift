/// What the gate decided for one request.
public enum GateDecision: Sendable {
    /// The path is excluded (or the method is `OPTIONS`): no credential is read.
    case excluded
    /// The request may reach its handler as `principal`.
    case allowed(Principal)
    /// The request is refused; answer `error.status` with `{"detail": error.message}`.
    case denied(AgentOSAuthError)
}
