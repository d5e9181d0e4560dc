import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`: every route, its body, its answers and
/// the error shape. A test compares it with the router's routes both ways.
enum OpenAPIDocument {
    typealias S = OpenAPISchemas

    struct Endpoint {
        var method: String
        var path: String
        var summary: String
        var tag: String
        var authenticated = true
        var body: [String: Any]? = nil
        var bodyType = "application/json"
        var success: (Int, [String: Any]?)
        /// Another success a route can answer (accepting an invitation: 200 signed in, 201 new account).
        var alsoSuccess: (Int, [String: Any])? = nil
        var errors: [Int] = [400, 401, 403, 404]
        var query: [(String, [String: Any])] = []
    }

    static let orgPath = "/v1/orgs/{org}"
    static let osPath = "/v1/orgs/{org}/os/{os}"

    /// Every route, in the router's order of concern: identity and organisations, then OSes,
    /// keys, access and tokens.
    static var endpoints: [Endpoint] { directoryEndpoints + identityEndpoints + accessEndpoints }

    /// The document, serialised once.
    static let json: Data = {
        var paths: [String: [String: Any]] = [:]
        for endpoint in endpoints {
            var operation: [String: Any] = [
                "summary": endpoint.summary,
                "tags": [endpoint.tag],
                "operationId": endpoint.method
                    + endpoint.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "")
                    .replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_").replacingOccurrences(
                        of: "-",
                        with: "_"
                    ),
                "security": endpoint.authenticated ? [["bearer": []]] : [],
            ]
            var parameters: [[String: Any]] = pathParameters(endpoint.path).map {
                ["name": $0, "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
            }
            parameters += endpoint.query.map { ["name": $0.0, "in": "query", "required": false, "schema": $0.1] }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = endpoint.body {
                operation["requestBody"] = ["required": true, "content": [endpoint.bodyType: ["schema": body]]]
            }
            var responses: [String: Any] = [:]
            let (status, schema) = endpoint.success
            var success: [String: Any] = ["description": "success"]
            if let schema { success["content"] = ["application/json": ["schema": schema]] }
            if endpoint.path.hasSuffix("/public-key") { success["content"] = ["application/x-pem-file": ["schema": ["type": "string"]]] }
            if endpoint.path.hasPrefix("/console") {
                let types =
                    endpoint.path.hasSuffix("{file}") ? ["text/javascript", "text/css", "image/svg+xml", "image/png"] : ["text/html"]
                success["content"] = Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": ["type": "string"]]) })
            }
            if endpoint.path == "/metrics" { success["content"] = ["text/plain": ["schema": ["type": "string"]]] }
            if endpoint.path.hasSuffix("/status-list") {
                success["content"] = ["application/statuslist+jwt": ["schema": ["type": "string"]]]
            }
            responses["\(status)"] = success
            if let (other, schema) = endpoint.alsoSuccess {
                responses["\(other)"] = ["description": "success", "content": ["application/json": ["schema": schema]]]
            }
            let errorSchema = endpoint.path == "/oauth/token" ? S.ref("OAuthError") : S.ref("Error")
            for code in endpoint.errors {
                responses["\(code)"] =
                    code == 304
                    ? ["description": "not modified"] : ["description": "error", "content": ["application/json": ["schema": errorSchema]]]
            }
            if endpoint.body != nil && endpoint.bodyType == "application/json" {
                responses["413"] = ["description": "body over 1 MiB", "content": ["application/json": ["schema": S.ref("Error")]]]
                responses["415"] = ["description": "not application/json", "content": ["application/json": ["schema": S.ref("Error")]]]
            }
            if endpoint.authenticated || endpoint.path.hasPrefix("/v1") || endpoint.path == "/oauth/token" {
                responses["503"] = [
                    "description": "the database is unavailable or the request ran past its deadline; retry after `Retry-After` seconds",
                    "headers": ["Retry-After": ["schema": ["type": "integer"]]],
                    "content": ["application/json": ["schema": S.ref("Error")]],
                ]
            }
            operation["responses"] = responses
            paths[endpoint.path, default: [:]][endpoint.method] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "AgentOS control plane", "version": "1.0.0",
                "description":
                    "Registers AgentOS instances, keeps their signing keys, stores users, roles and grants, and issues JWTs. Errors: {\"error\": {\"code\", \"message\"}}.",
            ],
            "paths": paths,
            "components": [
                "schemas": S.components.merging(S.identityComponents) { first, _ in first },
                "securitySchemes": [
                    "bearer": [
                        "type": "http", "scheme": "bearer",
                        "description": "cpk_ API key, cps_ session token or cpsa_ service-account secret",
                    ]
                ],
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }()

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}
