import Foundation

/// Resolves who a binding, grant, access query or explanation names, inside one organisation:
/// a member (by id or email) or an active service account of that organisation.
struct SubjectDirectory: Sendable {
    let members: MemberStore
    let serviceAccounts: ServiceAccountStore

    func resolve(_ reference: SubjectReference, in org: Organization) async throws -> Subject {
        switch reference {
        case .user(let text):
            guard let subject = try await members.subject(org: org.id, reference: text) else {
                throw ControlPlaneError.notFound("no member '\(text.prefix(80))' in this organisation")
            }
            return subject
        case .serviceAccount(let text):
            guard let id = UUID(uuidString: text.hasPrefix("svc:") ? String(text.dropFirst(4)) : text) else {
                throw ControlPlaneError.invalid("service_account must be a service-account id")
            }
            guard let subject = try await serviceAccounts.subject(id: id, org: org.id) else {
                throw ControlPlaneError.notFound("no active service account \(id.lowercased)")
            }
            return subject
        }
    }
}
