/// JWS algorithms the verifier accepts. Each key is pinned to exactly one.
public struct SigningAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The JOSE name (`RS256`, `ES256`, `EdDSA`).
    public let name: String

    private init(_ name: String) { self.name = name }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (Agno's default and the control plane's default).
    public static let rs256 = SigningAlgorithm("RS256")
    /// ECDSA P-256 with SHA-256.
    public static let es256 = SigningAlgorithm("ES256")
    /// Ed25519.
    public static let eddsa = SigningAlgorithm("EdDSA")

    /// Every supported algorithm.
    public static let all: [SigningAlgorithm] = [.rs256, .es256, .eddsa]

    /// The algorithm named `name` (exact JOSE spelling), if supported.
    public init?(name: String) {
        guard let match = Self.all.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var description: String { name }
}
