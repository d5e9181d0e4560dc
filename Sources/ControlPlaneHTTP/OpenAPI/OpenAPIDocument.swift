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
        var errors: [Int] = [400, 401, 403, 404]
        var query: [(String, [String: Any])] = []
    }

    static let orgPath = "/v1/orgs/{org}"
    static let osPath = "/v1/orgs/{org}/os/{os}"

    static var endpoints: [Endpoint] {
        [
            Endpoint(
                method: "get",
                path: "/health",
                summary: "Liveness",
                tag: "health",
                authenticated: false,
                success: (200, S.object(["status": S.string])),
                errors: []
            ),
            Endpoint(
                method: "get",
                path: "/ready",
                summary: "Readiness (database reachable, no pending migration)",
                tag: "health",
                authenticated: false,
                success: (200, S.object(["status": S.string])),
                errors: [503]
            ),
            Endpoint(
                method: "get",
                path: "/openapi.json",
                summary: "This document",
                tag: "health",
                authenticated: false,
                success: (200, ["type": "object"]),
                errors: []
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/login",
                summary: "Sign in; returns a cps_ session token",
                tag: "auth",
                authenticated: false,
                body: S.object(["email": S.string, "password": S.string], required: ["email", "password"]),
                success: (201, S.ref("Session")),
                errors: [400, 401, 413, 415, 429]
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/logout",
                summary: "End the session used",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401]
            ),
            Endpoint(
                method: "post",
                path: "/v1/api-keys",
                summary: "Create an API key for the calling user (shown once)",
                tag: "auth",
                body: S.object(["name": S.string, "expires_in_days": S.integer], required: ["name"]),
                success: (201, S.ref("APIKey")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "get",
                path: "/v1/api-keys",
                summary: "The calling user's API keys",
                tag: "auth",
                success: (200, S.list("api_keys", "APIKey")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "delete",
                path: "/v1/api-keys/{id}",
                summary: "Revoke one of the caller's API keys",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401, 404]
            ),
            Endpoint(
                method: "post",
                path: "/v1/orgs",
                summary: "Create an organisation",
                tag: "orgs",
                body: S.object(["slug": S.string, "name": S.string], required: ["slug", "name"]),
                success: (201, S.ref("Organization")),
                errors: [400, 401, 403, 409]
            ),
            Endpoint(
                method: "get",
                path: "/v1/orgs",
                summary: "Organisations the caller can see",
                tag: "orgs",
                success: (200, S.list("organizations", "Organization")),
                errors: [401]
            ),
            Endpoint(method: "get", path: orgPath, summary: "One organisation", tag: "orgs", success: (200, S.ref("Organization"))),
            Endpoint(method: "delete", path: orgPath, summary: "Delete an organisation (owners)", tag: "orgs", success: (204, nil)),
            Endpoint(
                method: "get",
                path: orgPath + "/audit",
                summary: "The audit trail, newest first",
                tag: "orgs",
                success: (200, S.list("events", "AuditEvent")),
                query: [("limit", S.integer), ("before", S.integer)]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/audit/verify",
                summary: "Recompute the audit chain; names the first altered event",
                tag: "orgs",
                success: (
                    200,
                    S.object(
                        ["verified": S.bool, "events": S.integer, "broken_at": S.ref("AuditEvent")],
                        required: ["verified", "events"]
                    )
                )
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/members",
                summary: "Add a member (creates the user if new)",
                tag: "members",
                body: S.object(
                    [
                        "email": S.string, "name": S.string, "role": ["type": "string", "enum": ["owner", "admin", "member"]],
                        "password": S.string,
                    ],
                    required: ["email", "name", "role"]
                ),
                success: (201, S.ref("Member")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/members",
                summary: "Members",
                tag: "members",
                success: (200, S.list("members", "Member"))
            ),
            Endpoint(
                method: "patch",
                path: orgPath + "/members/{user}",
                summary: "Change a member's role or disabled flag",
                tag: "members",
                body: S.object(["role": ["type": "string", "enum": ["owner", "admin", "member"]], "disabled": S.bool]),
                success: (200, S.ref("Member")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/members/{user}",
                summary: "Remove a member",
                tag: "members",
                success: (204, nil),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/os",
                summary: "Register an OS (and generate its key pair)",
                tag: "os",
                body: S.object(
                    [
                        "id": S.string, "name": S.string, "url": S.string, "authorization": S.bool,
                        "algorithm": ["type": "string", "enum": ["RS256", "ES256", "EdDSA"]],
                    ],
                    required: ["id", "name"]
                ),
                success: (201, S.ref("Registration")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(method: "get", path: orgPath + "/os", summary: "OS instances", tag: "os", success: (200, S.list("os", "OS"))),
            Endpoint(method: "get", path: osPath, summary: "One OS", tag: "os", success: (200, S.ref("OS"))),
            Endpoint(
                method: "patch",
                path: osPath,
                summary: "Rename or change the URL",
                tag: "os",
                body: S.object(["name": S.string, "url": S.string]),
                success: (200, S.ref("OS"))
            ),
            Endpoint(method: "delete", path: osPath, summary: "Delete an OS", tag: "os", success: (204, nil)),
            Endpoint(
                method: "post",
                path: osPath + "/authorization",
                summary: "Enable authorization (first key)",
                tag: "keys",
                body: S.object(["algorithm": S.string]),
                success: (201, S.ref("Registration"))
            ),
            Endpoint(
                method: "get",
                path: osPath + "/keys",
                summary: "Signing keys (public data only)",
                tag: "keys",
                success: (200, S.list("keys", "Key"))
            ),
            Endpoint(
                method: "post",
                path: osPath + "/keys",
                summary: "Create a key (pending, or active with activate)",
                tag: "keys",
                body: S.object(["algorithm": S.string, "activate": S.bool]),
                success: (201, S.ref("Key"))
            ),
            Endpoint(
                method: "post",
                path: osPath + "/keys/{kid}/activate",
                summary: "Activate a pending key",
                tag: "keys",
                success: (200, S.ref("Key")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: osPath + "/keys/{kid}/revoke",
                summary: "Revoke a key",
                tag: "keys",
                success: (200, S.ref("Key")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: osPath + "/security-key",
                summary: "Rotate the OS_SECURITY_KEY (shown once)",
                tag: "keys",
                success: (201, S.object(["security_key": S.string], required: ["security_key"]))
            ),
            Endpoint(
                method: "get",
                path: osPath + "/public-key",
                summary: "The active public key (SPKI PEM)",
                tag: "public",
                authenticated: false,
                success: (200, nil),
                errors: [304, 400, 404]
            ),
            Endpoint(
                method: "get",
                path: osPath + "/jwks.json",
                summary: "Published keys (JWKS)",
                tag: "public",
                authenticated: false,
                success: (200, S.object(["keys": S.array(["type": "object"])], required: ["keys"])),
                errors: [304, 400, 404]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/roles",
                summary: "Create a custom OS role",
                tag: "access",
                body: S.object(
                    ["slug": S.string, "name": S.string, "description": S.string, "scopes": S.array(S.string)],
                    required: ["slug", "scopes"]
                ),
                success: (201, S.ref("Role")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(method: "get", path: orgPath + "/roles", summary: "OS roles", tag: "access", success: (200, S.list("roles", "Role"))),
            Endpoint(method: "get", path: orgPath + "/roles/{role}", summary: "One OS role", tag: "access", success: (200, S.ref("Role"))),
            Endpoint(
                method: "put",
                path: orgPath + "/roles/{role}/scopes",
                summary: "Replace a custom role's scopes",
                tag: "access",
                body: S.object(["scopes": S.array(S.string)], required: ["scopes"]),
                success: (200, S.ref("Role")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/roles/{role}",
                summary: "Delete a custom role",
                tag: "access",
                success: (204, nil),
                errors: [400, 401, 403, 404, 409],
                query: [("force", S.bool)]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/role-bindings",
                summary: "Bind a role to a subject (org-wide or on one OS)",
                tag: "access",
                body: S.object(["subject": S.subjectReference, "role": S.string, "os": S.string], required: ["subject", "role"]),
                success: (201, S.ref("RoleBinding")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/role-bindings",
                summary: "Role bindings",
                tag: "access",
                success: (200, S.list("role_bindings", "RoleBinding"))
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/role-bindings/{id}",
                summary: "Remove a role binding",
                tag: "access",
                success: (204, nil)
            ),
            Endpoint(
                method: "post",
                path: osPath + "/grants",
                summary: "Grant one scope on this OS",
                tag: "access",
                body: S.object(["subject": S.subjectReference, "scope": S.string], required: ["subject", "scope"]),
                success: (201, S.ref("Grant")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "get",
                path: osPath + "/grants",
                summary: "Grants on this OS",
                tag: "access",
                success: (200, S.list("grants", "Grant"))
            ),
            Endpoint(method: "delete", path: osPath + "/grants/{id}", summary: "Remove a grant", tag: "access", success: (204, nil)),
            Endpoint(
                method: "get",
                path: osPath + "/access",
                summary: "Effective scopes of a subject and their sources",
                tag: "access",
                success: (200, S.ref("Access")),
                query: [("user", S.string), ("service_account", S.string)]
            ),
            Endpoint(
                method: "post",
                path: osPath + "/explain",
                summary: "What the OS would answer, and why",
                tag: "access",
                body: S.object(
                    ["subject": S.subjectReference, "token": S.string, "method": S.string, "path": S.string],
                    required: ["method", "path"]
                ),
                success: (200, S.ref("Explanation"))
            ),
            Endpoint(
                method: "post",
                path: osPath + "/tokens",
                summary: "Issue an access token for this OS",
                tag: "tokens",
                body: S.object(["subject": S.string, "scopes": S.array(S.string), "ttl_seconds": S.integer, "session_id": S.string]),
                success: (201, S.ref("Token")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/service-accounts",
                summary: "Create a service account (secret shown once)",
                tag: "tokens",
                body: S.object(["name": S.string, "token_broker": S.bool], required: ["name"]),
                success: (201, S.ref("ServiceAccount"))
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/service-accounts",
                summary: "Service accounts",
                tag: "tokens",
                success: (200, S.list("service_accounts", "ServiceAccount"))
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/service-accounts/{id}",
                summary: "Revoke a service account",
                tag: "tokens",
                success: (204, nil)
            ),
            Endpoint(
                method: "post",
                path: "/oauth/token",
                summary: "OAuth2 client-credentials grant (RFC 6749 §4.4)",
                tag: "tokens",
                authenticated: false,
                body: S.object(
                    [
                        "grant_type": ["const": "client_credentials"], "client_id": S.string, "client_secret": S.string,
                        "audience": S.string,
                        "resource": S.string, "scope": S.string,
                    ],
                    required: ["grant_type"]
                ),
                bodyType: "application/x-www-form-urlencoded",
                success: (200, S.ref("OAuthToken")),
                errors: [400, 401]
            ),
        ]
    }

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
            responses["\(status)"] = success
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
                "schemas": S.components,
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
