import ControlPlane
import Foundation

// Values the generated types carry as text, parsed with the API's own messages.

/// `{"user": "<id or email>"}` or `{"service_account": "<id>"}`, exactly one (a binding's or
/// a grant's subject, explain's subject, effective access's query).
struct SubjectBody {
    var user: String?
    var service_account: String?

    func reference() throws -> SubjectReference {
        switch (user, service_account) {
        case (let user?, nil): .user(user)
        case (nil, let account?): .serviceAccount(account)
        default: throw APIError.badRequest("subject must be {\"user\": id-or-email} or {\"service_account\": id}")
        }
    }
}

/// A member's role, which the generated code reads as any text (`WireText`).
func parseRole(_ text: String) throws -> OrgRole {
    guard let role = OrgRole(rawValue: text) else { throw APIError.badRequest("role must be owner, admin or member") }
    return role
}

/// An id in the path; the generated code reads it as text so a bad one gets this message.
func parseUUID(_ text: String, _ what: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw APIError.badRequest("\(what) must be a UUID") }
    return id
}
