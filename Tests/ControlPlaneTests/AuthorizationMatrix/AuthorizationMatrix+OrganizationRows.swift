import HTTPTypes

/// The organisation `acme`: settings, audit, members, invitations, roles, bindings, service
/// accounts. Changes here are no-ops or touch objects of their own, so later rows are unaffected.
extension AuthorizationMatrix {
    static let organizationRows: [MatrixRow] = [
        MatrixRow("getOrganization", .get, "/v1/orgs/acme", may: .role(.member, org: "acme"), 200),
        // The cross-organisation case the other way round: `other`'s people may, nobody of acme.
        MatrixRow("getOrganization", .get, "/v1/orgs/other", variant: "organisation other", may: .role(.member, org: "other"), 200),
        MatrixRow(
            "updateOrganization",
            .patch,
            "/v1/orgs/acme",
            variant: "require_mfa",
            json: ["require_mfa": false],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "updateOrganization",
            .patch,
            "/v1/orgs/acme",
            variant: "name",
            json: ["name": "Acme Corporation"],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow("listAuditEvents", .get, "/v1/orgs/acme/audit", may: .role(.admin, org: "acme"), 200),
        MatrixRow("verifyAuditChain", .get, "/v1/orgs/acme/audit/verify", may: .role(.admin, org: "acme"), 200),
        MatrixRow("listMembers", .get, "/v1/orgs/acme/members", may: .role(.admin, org: "acme"), 200),
        MatrixRow(
            "inviteMember",
            .post,
            "/v1/orgs/acme/members",
            json: ["email": "new@acme.test", "name": "New", "role": "member"],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "inviteMember",
            .post,
            "/v1/orgs/acme/members",
            variant: "an owner",
            json: ["email": "new-owner@acme.test", "name": "New Owner", "role": "owner"],
            may: .role(.owner, org: "acme"),
            201
        ),
        MatrixRow(
            "updateMember",
            .patch,
            "/v1/orgs/acme/members/target@acme.test",
            json: ["role": "member"],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow(
            "updateMember",
            .patch,
            "/v1/orgs/acme/members/owner2@acme.test",
            variant: "demote an owner",
            json: ["role": "admin"],
            may: .role(.owner, org: "acme"),
            200
        ),
        MatrixRow(
            "issueMemberPasswordReset",
            .post,
            "/v1/orgs/acme/members/target@acme.test/password-reset",
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "issueMemberPasswordReset",
            .post,
            "/v1/orgs/acme/members/owner3@acme.test/password-reset",
            variant: "an owner's",
            may: .role(.owner, org: "acme"),
            201
        ),
        MatrixRow("listInvitations", .get, "/v1/orgs/acme/invitations", may: .role(.admin, org: "acme"), 200),
        MatrixRow(
            "reissueInvitation",
            .post,
            "/v1/orgs/acme/invitations",
            json: ["user": "invitee@acme.test"],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "reissueInvitation",
            .post,
            "/v1/orgs/acme/invitations",
            variant: "an invited owner's",
            json: ["user": "invited-owner@acme.test"],
            may: .role(.owner, org: "acme"),
            201
        ),
        MatrixRow("revokeInvitation", .delete, "/v1/orgs/acme/invitations/<revocable-invitation>", may: .role(.admin, org: "acme"), 204),
        MatrixRow("listRoles", .get, "/v1/orgs/acme/roles", may: .role(.member, org: "acme"), 200),
        MatrixRow("getRole", .get, "/v1/orgs/acme/roles/os-viewer", may: .role(.member, org: "acme"), 200),
        MatrixRow(
            "createRole",
            .post,
            "/v1/orgs/acme/roles",
            json: ["slug": "runner", "scopes": ["agents:run"]],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow(
            "replaceRoleScopes",
            .put,
            "/v1/orgs/acme/roles/custom/scopes",
            json: ["scopes": ["agents:read", "teams:read"]],
            may: .role(.admin, org: "acme"),
            200
        ),
        MatrixRow("listRoleBindings", .get, "/v1/orgs/acme/role-bindings", may: .role(.member, org: "acme"), 200),
        MatrixRow(
            "createRoleBinding",
            .post,
            "/v1/orgs/acme/role-bindings",
            json: ["subject": ["user": "target@acme.test"], "role": "os-member", "os": "prod"],
            may: .role(.admin, org: "acme"),
            201
        ),
        MatrixRow("listServiceAccounts", .get, "/v1/orgs/acme/service-accounts", may: .role(.admin, org: "acme"), 200),
        MatrixRow(
            "createServiceAccount",
            .post,
            "/v1/orgs/acme/service-accounts",
            json: ["name": "matrix"],
            may: .role(.admin, org: "acme"),
            201
        ),
    ]
}
