import Foundation

/// Something the verifier tells the operator about: a JWKS fetch failed, the keys went stale and
/// every token is being refused, the OS runs with authentication disabled.
///
/// `AgentOSAuth` has no logging dependency; pass an ``AuthEventHandler`` to ``AuthGate`` (or
/// ``RemoteJWKS``) to route events into your logger. The default writes them to standard error.
public struct AuthEvent: Sendable, Hashable, CustomStringConvertible {
    /// How urgent the event is.
    public enum Level: String, Sendable, Hashable {
        /// Nothing is wrong; the effect of a setting the operator should know about (e.g. status
        /// claims ignored because no status-list origin is configured).
        case info
        /// Degraded but still safe (e.g. a failed fetch while the last good keys are still in date).
        case warning
        /// Requests are being refused, or the OS is unprotected.
        case error
    }

    /// The level.
    public let level: Level
    /// What happened and what it means for requests.
    public let message: String

    /// An event.
    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "\(level.rawValue): \(message)" }

    /// Writes `agentos-auth <level>: <message>` to standard error.
    public static let standardError: AuthEventHandler = { event in
        FileHandle.standardError.write(Data("agentos-auth \(event)\n".utf8))
    }
}

/// Receives ``AuthEvent``s; called from whatever task noticed the event, so it must not block.
public typealias AuthEventHandler = @Sendable (AuthEvent) -> Void
