public import Foundation

/// What an invitation code is for, shown to whoever holds it before they accept.
public struct InvitationPreview: Sendable, Equatable {
    public var organizationSlug: String
    public var organizationName: String
    public var email: String
    public var role: String
    public var expiresAt: Date
}
