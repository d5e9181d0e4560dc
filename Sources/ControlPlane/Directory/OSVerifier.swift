public import AgentOSAuth

/// What verifies an OS's tokens, which decides what the control plane may hand it
/// (docs/security.md, "An OS is handed only what its verifier accepts").
public enum OSVerifier: String, Sendable, Codable, CaseIterable {
    /// A stock Agno AgentOS (3.1.10): one algorithm, RS256 by default, the key read once at start-up
    /// from `JWT_VERIFICATION_KEY` or a JWKS file (`JWT_JWKS_FILE`); no JWKS URL, no status lists.
    case agno
    /// This project's verifier (`AgentOSAuth`, demo-os, the gateway): any algorithm, the JWKS URL
    /// (so rotations reach it), status lists.
    case agentosAuth = "agentos-auth"

    /// The verifier a request names, or 400 naming the allowed ones.
    public init(wire name: String) throws {
        guard let verifier = OSVerifier(rawValue: name) else {
            throw ControlPlaneError.invalid("verifier must be 'agno' (a stock Agno AgentOS) or 'agentos-auth' (this project's verifier)")
        }
        self = verifier
    }

    /// Refuses a key `algorithm` this verifier cannot check (400, saying what Agno answers).
    public func allow(_ algorithm: SigningAlgorithm, os id: String) throws {
        guard self == .agno, algorithm != .rs256 else { return }
        throw ControlPlaneError.invalid(
            "OS '\(id)' is verified by stock Agno, which accepts only RS256 (it answers every \(algorithm.name) token "
                + "'401 The specified alg value is not allowed'); use RS256, or set verifier 'agentos-auth' if the OS runs this project's verifier"
        )
    }

    /// Refuses a rotation schedule this verifier cannot follow (400).
    public func allowSchedule(_ period: Int?, os id: String) throws {
        guard self == .agno, period != nil else { return }
        throw ControlPlaneError.invalid(
            "OS '\(id)' is verified by stock Agno, which reads its key once at start-up: a scheduled activation would lock it out; "
                + "rotate by hand (keys rotate, give the OS the new key, then keys activate), or set verifier 'agentos-auth'"
        )
    }
}
