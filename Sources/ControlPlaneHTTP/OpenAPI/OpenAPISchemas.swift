import Foundation

/// JSON Schema fragments of the OpenAPI document (3.1, i.e. JSON Schema 2020-12).
enum OpenAPISchemas {
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static var string: [String: Any] { ["type": "string"] }
    static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static var bool: [String: Any] { ["type": "boolean"] }
    static var integer: [String: Any] { ["type": "integer"] }
    /// Seconds between scheduled key rotations (`Validation.rotationPeriods`).
    static var rotationPeriod: [String: Any] { ["type": "integer", "minimum": 3600, "maximum": 31_536_000] }
    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
    static func nullable(_ schema: [String: Any]) -> [String: Any] { ["anyOf": [schema, ["type": "null"]]] }

    static func object(_ properties: [String: [String: Any]], required: [String] = [], additional: Bool = true) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        if !additional { schema["additionalProperties"] = false }
        return schema
    }

    static func list(_ key: String, _ item: String) -> [String: Any] { object([key: array(ref(item))], required: [key]) }

    static var subjectReference: [String: Any] {
        [
            "type": "object",
            "description": "Exactly one of user (id or email) and service_account (id).",
            "properties": ["user": string, "service_account": string],
            "minProperties": 1, "maxProperties": 1,
        ]
    }

    static var components: [String: Any] {
        [
            "Error": object(["error": object(["code": string, "message": string], required: ["code", "message"])], required: ["error"]),
            "OAuthError": object(
                [
                    "error": ["type": "string", "enum": ["invalid_request", "invalid_client", "invalid_scope", "unsupported_grant_type"]],
                    "error_description": string,
                ],
                required: ["error", "error_description"]
            ),
            "Organization": object(
                ["id": uuid, "slug": string, "name": string, "created_at": dateTime, "require_mfa": bool],
                required: ["id", "slug", "name", "created_at", "require_mfa"]
            ),
            "OS": object(
                [
                    "id": string, "name": string, "url": nullable(string), "authorization_enabled": bool, "roles_claim": bool,
                    "rotation_period": nullable(rotationPeriod),
                    "created_at": dateTime,
                    "updated_at": dateTime,
                ],
                required: ["id", "name", "authorization_enabled"]
            ),
            "SigningKey": object(
                ["kid": string, "alg": string, "public_key_pem": string, "jwk": ["type": "object"]],
                required: ["kid", "alg", "public_key_pem"]
            ),
            "Key": object(
                [
                    "kid": string, "alg": string,
                    "state": ["type": "string", "enum": ["pending", "active", "retiring", "retired", "revoked"]],
                    "created_at": dateTime, "activated_at": nullable(dateTime), "retire_at": nullable(dateTime),
                ],
                required: ["kid", "alg", "state"]
            ),
            "Registration": object(
                [
                    "os": ref("OS"), "signing_key": ref("SigningKey"),
                    "env": object(["AGENT_OS_ID": string, "JWT_VERIFICATION_KEY": string]),
                ],
                required: ["os"]
            ),
            "AuditEvent": object(
                [
                    "seq": integer, "at": dateTime, "actor": string, "action": string, "target": string, "details": ["type": "object"],
                    "prev_hash": string, "hash": string,
                ],
                required: ["seq", "at", "actor", "action", "target", "hash"]
            ),
            "AuditVerification": object(
                [
                    "verified": bool, "events": integer, "head": object(["seq": integer, "mac": string], required: ["seq", "mac"]),
                    "broken_at": ref("AuditEvent"), "reason": string,
                ],
                required: ["verified", "events"]
            ),
            "User": object(["id": uuid, "email": string, "name": string], required: ["id", "email", "name"]),
            "Member": object(
                [
                    "user": ref("User"), "role": ["type": "string", "enum": ["owner", "admin", "member"]], "disabled": bool,
                    "created_at": dateTime, "state": ["type": "string", "enum": ["invited", "active"]],
                ],
                required: ["user", "role", "disabled", "state"]
            ),
            "APIKey": object(
                [
                    "id": uuid, "name": string, "prefix": string, "created_at": dateTime, "expires_at": nullable(dateTime),
                    "key": ["type": "string", "description": "Only in the creation response."],
                ],
                required: ["id", "name", "prefix"]
            ),
            "Session": object(["token": string, "expires_at": dateTime], required: ["token", "expires_at"]),
            "Role": object(
                ["slug": string, "name": string, "description": string, "builtin": bool, "scopes": array(string)],
                required: ["slug", "name", "builtin", "scopes"]
            ),
            "Subject": object(
                ["type": ["type": "string", "enum": ["user", "service_account"]], "id": uuid, "label": string, "sub": string],
                required: ["type", "id", "sub"]
            ),
            "RoleBinding": object(
                ["id": uuid, "subject": ref("Subject"), "role": string, "os": nullable(string), "created_at": dateTime],
                required: ["id", "subject", "role"]
            ),
            "Grant": object(
                ["id": uuid, "subject": ref("Subject"), "os": string, "scope": string, "created_at": dateTime],
                required: ["id", "subject", "scope"]
            ),
            "Source": object(
                ["kind": ["type": "string", "enum": ["role", "grant"]], "id": uuid, "role": nullable(string), "os": nullable(string)],
                required: ["kind", "id"]
            ),
            "Access": object(
                [
                    "subject": ref("Subject"), "scopes": array(string),
                    "granted_by": array(object(["scope": string, "sources": array(ref("Source"))])),
                ],
                required: ["subject", "scopes", "granted_by"]
            ),
            "Explanation": object(
                [
                    "allowed": bool, "status": integer, "required_scopes": array(string), "matched_scopes": array(string),
                    "granted_by": ["type": "object", "additionalProperties": array(ref("Source"))], "detail": nullable(string),
                    "subject": nullable(string),
                ],
                required: ["allowed", "status", "required_scopes", "matched_scopes"]
            ),
            "Token": object(
                [
                    "access_token": string, "token_type": ["const": "Bearer"], "expires_in": integer, "expires_at": dateTime,
                    "scopes": array(string),
                    "kid": string, "jti": string,
                ],
                required: ["access_token", "token_type", "expires_in", "expires_at", "scopes", "kid", "jti"]
            ),
            "OAuthToken": object(
                ["access_token": string, "token_type": ["const": "Bearer"], "expires_in": integer, "scope": string],
                required: ["access_token", "token_type", "expires_in", "scope"]
            ),
            "ServiceAccount": object(
                [
                    "id": uuid, "name": string, "client_id": string, "token_broker": bool, "created_at": dateTime,
                    "revoked_at": nullable(dateTime),
                    "client_secret": ["type": "string", "description": "Only in the creation response."],
                ],
                required: ["id", "name", "client_id", "token_broker"]
            ),
        ]
    }
}
