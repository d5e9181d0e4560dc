import Foundation

extension OpenAPIDocument {
    /// Keys, public keys, roles, bindings, grants, access, explain, tokens, service accounts and OAuth.
    static var accessEndpoints: [Endpoint] {
        [
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
                method: "get",
                path: osPath + "/status-list",
                summary: "The Token Status List (a statuslist+jwt signed by the active key)",
                tag: "public",
                authenticated: false,
                success: (200, nil),
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
                path: osPath + "/token-revocations",
                summary: "Revoke tokens of this OS: one (jti or token) or all of a subject's",
                tag: "tokens",
                body: S.object(["jti": S.string, "token": S.string, "subject": S.string]),
                success: (200, S.object(["revoked": S.integer], required: ["revoked"]))
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
}
