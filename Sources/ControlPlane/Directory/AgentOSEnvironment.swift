import Foundation

/// The environment an AgentOS is started from: the one generator behind `GET …/os/{os}/env`,
/// hence behind `controlplane os env` and the console's `.env` dialog (docs/keys.md, "Starting
/// an OS from its .env"). Only variables its verifier reads, in the forms it reads them.
public struct AgentOSEnvironment: Sendable, Equatable {
    /// How the OS gets its keys.
    public enum Form: String, Sendable, CaseIterable {
        /// `JWT_VERIFICATION_KEY`: the active key's PEM (one key; stock Agno's default).
        case pem
        /// `JWT_JWKS_FILE`: a JWKS file of every published key (stock Agno reads it at start-up).
        case jwksFile = "jwks-file"
        /// `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_STATUS_LIST_ORIGIN`: fetched, following rotations
        /// (this project's verifier only; stock Agno 3.1.10 fetches nothing).
        case jwksURL = "jwks-url"

        /// The form a request names, or 400 naming the allowed ones.
        public init(wire name: String) throws {
            guard let form = Form(rawValue: name) else {
                throw ControlPlaneError.invalid("form must be one of: pem, jwks-file, jwks-url")
            }
            self = form
        }

        /// The form used when none is asked for.
        public static func standard(for verifier: OSVerifier) -> Form { verifier == .agno ? .pem : .jwksURL }
    }

    /// A file the environment names, to be put beside the OS.
    public struct File: Sendable, Equatable {
        public var name: String
        public var content: String
    }

    /// The OS id.
    public var os: String
    public var verifier: OSVerifier
    public var form: Form
    /// `NAME=value` lines: values double-quoted with `\`, `"`, `$` and backquote escaped, so the
    /// text works as an env file (python-dotenv) and in a shell (`set -a; . ./file; set +a`);
    /// `CORS_ORIGIN_LIST` single-quoted, as Agno reads it as a JSON list.
    public var text: String
    public var files: [File]
    /// What to do with it, and how to give the OS a new key later.
    public var steps: [String]

    /// What the OS needs; `baseURL` is the control plane's public URL (`CONTROL_PLANE_ISSUER`),
    /// whose origin is also the console's.
    static func make(
        os: OSInstance,
        org slug: String,
        form: Form,
        published: [SigningKeyInfo],
        baseURL: String,
        statusLists: Bool
    ) throws -> AgentOSEnvironment {
        if os.verifier == .agno, form == .jwksURL {
            throw ControlPlaneError.invalid(
                "OS '\(os.id)' is verified by stock Agno, which cannot fetch a JWKS URL (Agno 3.1.10 reads JWT_VERIFICATION_KEY "
                    + "or JWT_JWKS_FILE); use form pem or jwks-file, or set verifier 'agentos-auth'"
            )
        }
        guard os.authorizationEnabled, let active = published.first(where: { $0.state == .active }) else {
            throw ControlPlaneError.conflict("OS '\(os.id)' has no active signing key; enable its authorization first")
        }
        let origin = Self.origin(of: baseURL)
        var lines = ["AGENT_OS_ID=" + quoted(os.id)]
        var files: [File] = []
        var steps: [String]
        let jwksName = "\(os.id).jwks.json"
        switch form {
        case .pem:
            lines.append("JWT_VERIFICATION_KEY=" + quoted(active.publicKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines)))
            steps = [
                "Start the AgentOS with this environment (e.g. `set -a; . ./\(os.id).env; set +a`).",
                "A PEM holds one key. To rotate: `controlplane keys rotate` stages the next key; `keys activate` it and restart "
                    + "the OS with the new environment at once. Tokens signed before keep failing on this OS until they expire; "
                    + "for a rotation without that, use form jwks-file.",
            ]
        case .jwksFile:
            lines.append("JWT_JWKS_FILE=" + quoted(jwksName))
            files.append(File(name: jwksName, content: String(decoding: try SigningKeys.jwksDocument(published), as: UTF8.self) + "\n"))
            steps = [
                "Put \(jwksName) in the AgentOS's working directory (JWT_JWKS_FILE is relative to it) and start the OS with this environment.",
                "The OS reads the file once, at start-up. To rotate: `controlplane keys rotate` stages the next key; fetch this "
                    + "environment and file again, restart the OS, then `keys activate` — no token is refused on the way.",
            ]
        case .jwksURL:
            let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            lines.append("JWT_JWKS_URL=" + quoted("\(base)/v1/orgs/\(slug)/os/\(os.id)/jwks.json"))
            // Exactly the `iss` of its tokens.
            lines.append("JWT_ISSUER=" + quoted(baseURL))
            if statusLists { lines.append("JWT_STATUS_LIST_ORIGIN=" + quoted(origin)) }
            steps = [
                "Start the OS with this environment: its verifier fetches the JWKS and follows rotations by itself.",
                "To rotate: `controlplane keys rotate` stages the next key; once the OS's last JWKS fetch (os show) holds it, `keys activate`.",
            ]
        }
        // The console calls the OS from the browser ("Use the OS"); Agno adds its own origins.
        lines.append("CORS_ORIGIN_LIST='[\"\(origin)\"]'")
        return AgentOSEnvironment(
            os: os.id,
            verifier: os.verifier,
            form: form,
            text: lines.joined(separator: "\n") + "\n",
            files: files,
            steps: steps
        )
    }

    /// `scheme://host[:port]` of `url` (checked at start-up by `Validation.issuer`), rebuilt from
    /// its parsed parts: no path, and never the raw text.
    static func origin(of url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "" }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)" + (parts.port.map { ":\($0)" } ?? "")
    }

    /// Double-quoted, escaping what a shell or python-dotenv would interpret inside.
    static func quoted(_ value: String) -> String {
        var quoted = "\""
        for character in value {
            if "\\\"$`".contains(character) { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
