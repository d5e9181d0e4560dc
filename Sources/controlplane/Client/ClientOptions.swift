import AgentOSAuth
import ArgumentParser
import Foundation

/// Where the control plane is, who calls it and how answers print: shared by every client subcommand.
struct ClientOptions: ParsableArguments {
    @Option(help: "Control plane URL (env CONTROL_PLANE_URL; default http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "Credential: an API key, a session from `login` or a service-account secret (env CONTROL_PLANE_TOKEN).")
    var token: String?

    @Option(help: "Data directory whose admin.key is used when no token is given and the server is local (env CONTROL_PLANE_DATA_DIR).")
    var dataDir: String?

    @Flag(help: "Print the server's JSON answer instead of a table.")
    var json = false

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The base URL, checked: http(s) with a host.
    func serverURL() throws -> String {
        var text = server ?? environment["CONTROL_PLANE_URL"] ?? "http://127.0.0.1:8080"
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil, url.query == nil
        else { throw ValidationError("--server must be an http(s) URL such as http://127.0.0.1:8080, not '\(text)'") }
        return text
    }

    /// A client for public routes (no credential sent).
    func anonymous() throws -> ControlPlaneClient {
        ControlPlaneClient(server: try serverURL(), credential: nil)
    }

    /// A client that authenticates: `--token`, else `CONTROL_PLANE_TOKEN`, else (server on this machine only)
    /// the embedded data directory's `admin.key`, so a local key is never sent elsewhere.
    func authenticated() throws -> ControlPlaneClient {
        let server = try serverURL()
        if let token = (token ?? environment["CONTROL_PLANE_TOKEN"])?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            return ControlPlaneClient(server: server, credential: token)
        }
        let directory = dataDir ?? environment["CONTROL_PLANE_DATA_DIR"] ?? ".controlplane"
        let keyFile = URL(fileURLWithPath: directory).appendingPathComponent("admin.key").path
        guard Self.isLocal(server) else {
            throw ValidationError(
                "no credentials for \(server): pass --token or set CONTROL_PLANE_TOKEN (admin.key is only sent to a local server)"
            )
        }
        guard let key = try? String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty
        else {
            throw ValidationError("no credentials: pass --token, set CONTROL_PLANE_TOKEN, or run where \(keyFile) is readable")
        }
        return ControlPlaneClient(server: server, credential: key)
    }

    static func isLocal(_ server: String) -> Bool {
        guard let host = URL(string: server)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Prints the JSON answer, or `human` for people.
    func emit(_ reply: ControlPlaneClient.Reply, _ human: (JSONValue) -> String) {
        if json {
            if !reply.body.isEmpty { print(Presenter.prettyJSON(reply.body)) }
        } else {
            let text = human(reply.json)
            if !text.isEmpty { print(text) }
        }
    }

    /// A list under `key` as a table.
    func emit(_ reply: ControlPlaneClient.Reply, table key: String, _ columns: [Column]) {
        emit(reply) { Presenter.table($0[key]?.array ?? [], columns) }
    }

    /// One object as `field: value` lines.
    func emit(_ reply: ControlPlaneClient.Reply, record fields: [Column]) {
        emit(reply) { Presenter.record($0, fields) }
    }
}

/// `--org`, shared by the commands inside an organisation.
struct OrgOption: ParsableArguments {
    @Option(help: "Organisation slug (env CONTROL_PLANE_ORG).")
    var org: String?

    /// `/v1/orgs/<org>`.
    func path() throws -> String {
        guard let slug = org ?? ProcessInfo.processInfo.environment["CONTROL_PLANE_ORG"], !slug.isEmpty else {
            throw ValidationError("which organisation? Pass --org or set CONTROL_PLANE_ORG")
        }
        return "/v1/orgs/" + segment(slug)
    }
}

/// `--os`, for commands about one OS that is not their subject.
struct OSOption: ParsableArguments {
    @Option(help: "The OS id.")
    var os: String

    @OptionGroup var org: OrgOption

    /// `/v1/orgs/<org>/os/<os>`.
    func path() throws -> String { try org.path() + "/os/" + segment(os) }
}

/// Reads a secret from stdin (`--password-stdin`) or asks for it on the terminal without echo.
func readSecret(prompt: String, fromStdin: Bool) throws -> String {
    if fromStdin {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
    guard isatty(0) == 1, let entered = getpass(prompt) else {
        throw ValidationError("stdin is not a terminal: pass the password with --password-stdin")
    }
    return String(cString: entered)
}

/// `{"user": …}` or, for `svc:<id>`, `{"service_account": <id>}`.
func subjectBody(_ subject: String) -> [String: String] {
    subject.hasPrefix("svc:") ? ["service_account": String(subject.dropFirst(4))] : ["user": subject]
}
