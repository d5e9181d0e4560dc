public import AgentOSAuth
public import Logging

extension AuthEvent {
    /// A handler writing the verifier's events (JWKS failures, keys too stale to use, auth
    /// disabled) to `logger` at their own level: what an OS's `AuthGate(onEvent:)` usually wants.
    public static func logging(to logger: Logger) -> AuthEventHandler {
        { event in
            switch event.level {
            case .info: logger.info("\(event.message)")
            case .warning: logger.warning("\(event.message)")
            case .error: logger.error("\(event.message)")
            }
        }
    }
}
