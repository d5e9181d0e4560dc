import Foundation

extension OpenAPIDocument {
    /// Invitations, the caller's own account and password resets.
    static var identityEndpoints: [Endpoint] {
        [
            Endpoint(
                method: "post",
                path: "/v1/invitations/accept",
                summary: "Accept an invitation: signed in (code only) or as a new account (code, name, password; answers a session)",
                tag: "auth",
                authenticated: false,
                body: S.object(["code": S.string, "name": S.string, "password": S.string], required: ["code"]),
                success: (201, S.ref("Accepted")),
                alsoSuccess: (200, S.ref("Accepted")),
                errors: [400, 401, 403, 409]
            ),
            Endpoint(
                method: "post",
                path: "/v1/auth/password-reset",
                summary: "Redeem a single-use password-reset code",
                tag: "auth",
                authenticated: false,
                body: S.object(["code": S.string, "password": S.string], required: ["code", "password"]),
                success: (204, nil),
                errors: [400]
            ),
            Endpoint(
                method: "get",
                path: "/v1/me",
                summary: "The calling user: account, joined organisations, MFA state",
                tag: "auth",
                success: (200, S.ref("Profile")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "post",
                path: "/v1/me/password",
                summary: "Change one's password (needs the current one; ends one's other sessions)",
                tag: "auth",
                body: S.object(["current_password": S.string, "new_password": S.string], required: ["current_password", "new_password"]),
                success: (204, nil),
                errors: [400, 401, 403, 429]
            ),
            Endpoint(
                method: "post",
                path: "/v1/me/mfa/totp",
                summary: "Start (or restart) a TOTP enrolment: the secret and otpauth:// URI, shown once; pending until confirmed",
                tag: "auth",
                success: (201, S.ref("TOTPEnrolment")),
                errors: [400, 401, 409]
            ),
            Endpoint(
                method: "post",
                path: "/v1/me/mfa/totp/confirm",
                summary: "Confirm the pending enrolment with a code; TOTP is on and the ten recovery codes are shown once",
                tag: "auth",
                body: S.object(["code": S.string], required: ["code"]),
                success: (200, S.object(["recovery_codes": S.array(S.string)], required: ["recovery_codes"])),
                errors: [400, 401, 409, 429]
            ),
            Endpoint(
                method: "post",
                path: "/v1/me/mfa/totp/disable",
                summary: "Turn TOTP off (needs the password and a TOTP or recovery code)",
                tag: "auth",
                body: S.object(["password": S.string, "code": S.string], required: ["password", "code"]),
                success: (204, nil),
                errors: [400, 401, 403, 409, 429]
            ),
            Endpoint(
                method: "get",
                path: "/v1/me/sessions",
                summary: "One's live sign-in sessions",
                tag: "auth",
                success: (200, S.list("sessions", "SessionInfo")),
                errors: [400, 401]
            ),
            Endpoint(
                method: "delete",
                path: "/v1/me/sessions/{id}",
                summary: "End one of one's sessions",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401, 404]
            ),
            Endpoint(
                method: "post",
                path: "/v1/users/{user}/password-reset",
                summary: "Issue a single-use password-reset code for any account (superuser; shown once)",
                tag: "auth",
                success: (201, S.ref("OneTimeCode")),
                errors: [400, 401, 403, 404]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/members/{user}/password-reset",
                summary: "Issue a password-reset code for a member who belongs to no other organisation (shown once)",
                tag: "members",
                success: (201, S.ref("OneTimeCode"))
            ),
            Endpoint(
                method: "post",
                path: "/v1/admin/keys",
                summary: "Create a superuser key (superuser; shown once)",
                tag: "auth",
                body: S.object(["name": S.string, "expires_in_days": S.integer], required: ["name"]),
                success: (201, S.ref("APIKey")),
                errors: [400, 401, 403]
            ),
            Endpoint(
                method: "get",
                path: "/v1/admin/keys",
                summary: "Live superuser keys (superuser; no secrets)",
                tag: "auth",
                success: (200, S.list("keys", "APIKey")),
                errors: [401, 403]
            ),
            Endpoint(
                method: "delete",
                path: "/v1/admin/keys/{id}",
                summary: "Revoke a superuser key (the last one only once an organisation has an owner)",
                tag: "auth",
                success: (204, nil),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "post",
                path: orgPath + "/invitations",
                summary: "A fresh invitation for an invited member (earlier codes stop working; shown once)",
                tag: "members",
                body: S.object(["user": S.string], required: ["user"]),
                success: (201, S.ref("InvitedMember")),
                errors: [400, 401, 403, 404, 409]
            ),
            Endpoint(
                method: "get",
                path: orgPath + "/invitations",
                summary: "Invitations neither accepted nor revoked (no codes)",
                tag: "members",
                success: (200, S.list("invitations", "Invitation"))
            ),
            Endpoint(
                method: "delete",
                path: orgPath + "/invitations/{id}",
                summary: "Revoke an invitation",
                tag: "members",
                success: (204, nil)
            ),
        ]
    }
}

extension OpenAPISchemas {
    static var identityComponents: [String: Any] {
        [
            "OneTimeCode": object(
                ["id": uuid, "code": string, "url": string, "expires_at": dateTime],
                required: ["id", "code", "url", "expires_at"]
            ),
            "InvitedMember": object(
                [
                    "user": ref("User"), "role": ["type": "string", "enum": ["owner", "admin", "member"]], "disabled": bool,
                    "created_at": dateTime, "state": ["type": "string", "enum": ["invited", "active"]], "invitation": ref("OneTimeCode"),
                ],
                required: ["user", "role", "disabled", "state", "invitation"]
            ),
            "Invitation": object(
                [
                    "id": uuid, "user": ref("User"), "role": string,
                    "state": ["type": "string", "enum": ["pending", "expired"]], "created_by": string, "created_at": dateTime,
                    "expires_at": dateTime,
                ],
                required: ["id", "user", "role", "state", "expires_at"]
            ),
            "Accepted": object(
                ["organization": ref("Organization"), "role": string, "token": string, "expires_at": dateTime],
                required: ["organization", "role"]
            ),
            "Profile": object(
                [
                    "user": ref("User"),
                    "memberships": array(object(["organization": ref("Organization"), "role": string, "disabled": bool])),
                    "mfa": object(
                        ["enabled": bool, "totp": bool, "recovery_codes_left": integer],
                        required: ["enabled", "totp", "recovery_codes_left"]
                    ),
                ],
                required: ["user", "memberships", "mfa"]
            ),
            "MFAChallenge": object(
                ["mfa_required": ["type": "boolean", "const": true], "mfa_token": string, "expires_at": dateTime],
                required: ["mfa_required", "mfa_token", "expires_at"]
            ),
            "TOTPEnrolment": object(["secret": string, "otpauth_uri": string], required: ["secret", "otpauth_uri"]),
            "SessionInfo": object(
                ["id": uuid, "created_at": dateTime, "expires_at": dateTime, "current": bool],
                required: ["id", "expires_at", "current"]
            ),
        ]
    }
}
