import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Plain HTTP requests over real sockets, for tests that talk to processes (replicas, nginx,
/// demo-os, an AgentOS).
///
/// Sent with HummingbirdTesting's NIO client, one connection per request, not `URLSession`:
/// FoundationNetworking's `URLSession` on Linux can leave a request unanswered forever in a loaded
/// suite (its timeout does not fire), which hangs the test instead of failing it.
enum HTTP {
    struct Reply: Sendable {
        var status: Int
        /// Lower-cased names; repeated fields joined with ", ".
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct BadURL: Error, CustomStringConvertible {
        var url: String
        var description: String { "not an http URL with a host: \(url)" }
    }

    /// One request; `json` (or the `form` string) is sent as the body. Throws on a transport
    /// failure or when no answer arrives within `timeout` seconds of quiet.
    static func send(
        _ method: String,
        _ url: String,
        bearer: String? = nil,
        json: [String: Any]? = nil,
        form: String? = nil,
        headers extra: HTTPFields = [:],
        raw: ByteBuffer? = nil,
        timeout: TimeInterval = 10
    ) async throws -> Reply {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host,
            let verb = HTTPRequest.Method(method)
        else { throw BadURL(url: url) }
        let port = components.port ?? 80
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        var headers = extra
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        var body = raw
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let form {
            body = ByteBuffer(string: form)
            headers[.contentType] = "application/x-www-form-urlencoded"
        }
        let request = TestClient.Request(target, method: verb, authority: "\(host):\(port)", headers: headers, body: body)
        let response = try await TestClient.withClient(
            host: host,
            port: port,
            configuration: .init(timeout: .milliseconds(Int(timeout * 1000)))
        ) { client in
            try await client.execute(request)
        }
        var fields: [String: String] = [:]
        for field in response.headers {
            let name = field.name.canonicalName
            fields[name] = fields[name].map { $0 + ", " + field.value } ?? field.value
        }
        let bytes = response.body.map { Data($0.readableBytesView) } ?? Data()
        return Reply(status: Int(response.status.code), headers: fields, body: bytes)
    }
}
