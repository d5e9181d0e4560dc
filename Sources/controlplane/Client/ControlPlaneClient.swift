import AgentOSAuth
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Calls a running control plane over HTTP for the client subcommands.
///
/// URLSession (libcurl on Linux) rather than a NIO client: no extra dependency, and HTTPS to a
/// remote control plane works out of the box. Every failure becomes one line and exit code 1.
struct ControlPlaneClient: Sendable {
    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8080`.
    var server: String
    /// The bearer credential, `nil` for public routes.
    var credential: String?

    struct Reply: Sendable {
        var status: Int
        var body: Data
        var json: JSONValue { JSONValue(parsing: Array(body)) ?? .null }
    }

    func get(_ path: String) async throws -> Reply {
        try await send("GET", path)
    }

    func delete(_ path: String) async throws -> Reply {
        try await send("DELETE", path)
    }

    /// POST/PUT/PATCH with a JSON body (`nil`: no body).
    func send(_ method: String, _ path: String, json: [String: Any]?) async throws -> Reply {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        return try await send(method, path, body: body)
    }

    /// Sends one request; answers ≥ 400 throw with the server's message.
    func send(_ method: String, _ path: String, body: Data? = nil) async throws -> Reply {
        guard let url = URL(string: server + path) else { throw fail("cannot build a URL from \(server + path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let credential { request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw fail("cannot reach the control plane at \(server): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<400).contains(status) else { throw fail(Self.message(status: status, body: data)) }
        return Reply(status: status, body: data)
    }

    /// The server's own words: `{"error":{"message"}}`, an OAuth error, or Agno's `detail`.
    static func message(status: Int, body: Data) -> String {
        let json = JSONValue(parsing: Array(body))
        if let message = json?["error.message"]?.stringValue {
            return "\(message) (HTTP \(status))"
        }
        if let code = json?["error"]?.stringValue {
            return "\(code): \(json?["error_description"]?.stringValue ?? "") (HTTP \(status))"
        }
        if let detail = json?["detail"]?.stringValue {
            return "\(detail) (HTTP \(status))"
        }
        return "the control plane answered HTTP \(status)"
    }
}

/// Percent-encodes one path segment (an org slug, an OS id, an email, a kid).
func segment(_ text: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

/// Percent-encodes a query value.
func queryValue(_ text: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+#")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
