public import Foundation

/// A verifier's fetch of an OS's JWKS, as the control plane served it: when, and which keys the
/// answer held. Advice for an admin about to activate a key (docs/keys.md, "Staged rotation"):
/// whoever can reach the JWKS can send the header that names the OS, so it proves nothing.
public struct JWKSFetch: Sendable, Codable, Equatable {
    public var at: Date
    /// The kids of the JWKS served (or confirmed with a 304).
    public var kids: [String]

    public init(at: Date, kids: [String]) {
        self.at = at
        self.kids = kids
    }
}
