import Foundation

/// Which subject a token request names; `nil` is the caller itself.
struct SubjectTarget {
    var kind: Subject.Kind
    var id: UUID?
    var email: String?
    var isCaller: Bool

    init(kind: Subject.Kind, id: UUID?, email: String? = nil, isCaller: Bool) {
        self.kind = kind
        self.id = id
        self.email = email
        self.isCaller = isCaller
    }

    init(_ text: String?, caller: Caller) throws {
        guard let text else {
            switch caller.identity {
            case .user(let id): self.init(kind: .user, id: id, isCaller: true)
            case .serviceAccount(let id, _, _): self.init(kind: .serviceAccount, id: id, isCaller: true)
            case .superuser: throw ControlPlaneError.invalid("subject is required when calling with a superuser key")
            }
            return
        }
        guard !text.isEmpty, text.utf8.count <= 254 else {
            throw ControlPlaneError.invalid("subject must be a user id, an email or svc:<id>")
        }
        if text.hasPrefix("svc:") {
            guard let id = UUID(uuidString: String(text.dropFirst(4))) else {
                throw ControlPlaneError.invalid("svc:<id> needs a service-account id")
            }
            if case .serviceAccount(id, _, _) = caller.identity {
                self.init(kind: .serviceAccount, id: id, isCaller: true)
            } else {
                self.init(kind: .serviceAccount, id: id, isCaller: false)
            }
            return
        }
        let id = UUID(uuidString: text)
        let email = id == nil ? try Validation.email(text) : nil
        self.init(kind: .user, id: id, email: email, isCaller: id != nil && caller.userID == id)
    }
}
