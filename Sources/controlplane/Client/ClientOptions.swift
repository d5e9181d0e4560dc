import ArgumentParser
import ControlPlane
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

    /// Whether the server's host is this machine's loopback: `localhost`, `::1`, or an IPv4
    /// address in 127.0.0.0/8 written as one (parsed, so `127.evil.example` is a remote name).
    static func isLocal(_ server: String) -> Bool {
        guard let components = URLComponents(string: server), var host = components.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        }
        // Four decimal parts only: inet_pton rejects the shorthand forms (`127.1`, hex) that
        // resolvers might still read, and anything else is a name.
        var v4 = in_addr()
        guard inet_pton(AF_INET, host, &v4) == 1 else { return false }
        return withUnsafeBytes(of: &v4) { $0.first } == 127
    }

    /// Prints the typed answer as JSON, or `human` for people.
    func emit<Answer: Encodable>(_ answer: Answer, _ human: (Answer) -> String) throws {
        if json {
            print(try Presenter.json(answer))
        } else {
            let text = InertText.of(human(answer), keepNewlines: true)
            if !text.isEmpty { print(text) }
        }
    }

    /// A list of the answer as a table.
    func emit<Row>(_ answer: some Encodable, table rows: [Row], _ columns: [Column<Row>]) throws {
        try emit(answer) { _ in Presenter.table(rows, columns) }
    }

    /// One object as `field: value` lines.
    func emit<Answer: Encodable>(_ answer: Answer, record fields: [Column<Answer>]) throws {
        try emit(answer) { Presenter.record($0, fields) }
    }

    /// An answer without a body (204): `--json` prints nothing, as there is no JSON to print.
    func emitDone(_ text: String) {
        if !json { print(InertText.of(text, keepNewlines: true)) }
    }
}

/// `--org`, shared by the commands inside an organisation.
struct OrgOption: ParsableArguments {
    @Option(help: "Organisation slug (env CONTROL_PLANE_ORG).")
    var org: String?

    /// The slug given, checked to be there.
    func slug() throws -> String {
        guard let slug = org ?? ProcessInfo.processInfo.environment["CONTROL_PLANE_ORG"], !slug.isEmpty else {
            throw ValidationError("which organisation? Pass --org or set CONTROL_PLANE_ORG")
        }
        return slug
    }
}

/// `--os`, for commands about one OS that is not their subject.
struct OSOption: ParsableArguments {
    @Option(help: "The OS id.")
    var os: String

    @OptionGroup var org: OrgOption
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

/// A subject argument as the API names it: `user` (an email or id), or for `svc:<id>`, `service_account`.
struct SubjectReference {
    var user: String?
    var serviceAccount: String?

    init(_ subject: String) {
        if subject.hasPrefix("svc:") { serviceAccount = String(subject.dropFirst(4)) } else { user = subject }
    }
}
