import ControlPlane
import Foundation
import HTTPTypes

/// An organisation's members (`/v1/orgs/{org}/members…`) and their open invitations
/// (`/v1/orgs/{org}/invitations…`). A new invitation's code is shown once (`no-store`); accepting
/// one stays a hand-written public route (`InvitationRoutes`), since it may deliver a cookie.
extension APIHandler {
    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let access = try await access(input.path.org)
        let page = try await members.list(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(members: page.items.map(Components.Schemas.Member.init), nextCursor: page.next))))
    }

    func inviteMember(_ input: Operations.InviteMember.Input) async throws -> Operations.InviteMember.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        // Refused rather than ignored, so a client that still sends one learns why it has no effect.
        if body.password != nil {
            throw APIError.badRequest(
                "password is not accepted: nobody sets another person's password; the member chooses one when redeeming the invitation"
            )
        }
        let (member, code) = try await members.add(access, email: body.email, name: body.name, role: try parseRole(body.role.text))
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(member, code))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        guard body.role != nil || body.disabled != nil else { throw APIError.badRequest("give role and/or disabled") }
        let member = try await members.update(
            access,
            user: input.path.user,
            role: try body.role.map { try parseRole($0.text) },
            disabled: body.disabled
        )
        return .ok(.init(body: .json(.init(member))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        try await members.remove(try await access(input.path.org), user: input.path.user)
        return .noContent(.init())
    }

    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let access = try await access(input.path.org)
        let page = try await invitations.list(access, page: try Self.page(input.query.limit, input.query.cursor))
        return .ok(.init(body: .json(.init(invitations: try page.items.map(Components.Schemas.Invitation.init), nextCursor: page.next))))
    }

    func reissueInvitation(_ input: Operations.ReissueInvitation.Input) async throws -> Operations.ReissueInvitation.Output {
        let access = try await access(input.path.org)
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let (member, code) = try await invitations.reissue(access, user: body.user)
        return .created(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(member, code))))
    }

    func revokeInvitation(_ input: Operations.RevokeInvitation.Input) async throws -> Operations.RevokeInvitation.Output {
        let access = try await access(input.path.org)
        try await invitations.revoke(access, id: try parseUUID(input.path.id, "id"))
        return .noContent(.init())
    }
}

extension Components.Schemas.Member {
    init(_ member: Member) {
        self.init(
            createdAt: member.createdAt,
            disabled: member.disabled,
            role: .init(member.role.rawValue),
            state: member.state == .invited ? .invited : .active,
            user: .init(member.user)
        )
    }
}

extension Components.Schemas.InvitedMember {
    /// A member just added or re-invited, with the invitation to hand to them.
    init(_ member: Member, _ code: OneTimeCode) {
        self.init(
            createdAt: member.createdAt,
            disabled: member.disabled,
            invitation: .init(code),
            role: .init(member.role.rawValue),
            state: member.state == .invited ? .invited : .active,
            user: .init(member.user)
        )
    }
}

extension Components.Schemas.Invitation {
    /// Only open invitations are listed; an accepted or revoked one here is a bug, answered 500.
    init(_ invitation: Invitation) throws {
        guard let state = StatePayload(rawValue: invitation.state.rawValue) else {
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
        self.init(
            createdAt: invitation.createdAt,
            createdBy: invitation.createdBy,
            expiresAt: invitation.expiresAt,
            id: invitation.id.uuidString.lowercased(),
            role: invitation.role.rawValue,
            state: state,
            user: .init(invitation.user)
        )
    }
}
