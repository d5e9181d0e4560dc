import Foundation

/// What the embedded document says of each operation that the middleware in front of the
/// generated code must enforce, read once: which operations take a JSON body (and whether it may
/// be left out), so ``GeneratedHandlerAdapter`` answers 415 exactly where the document says a JSON
/// body goes; and which are public (`security: []`), so ``CallerMiddleware`` lets exactly those
/// through without a credential.
struct DocumentRules: Sendable {
    enum Body: Sendable, Equatable {
        case required
        case optional
    }

    /// `METHOD /path/{}/…` → the operation's JSON body.
    let bodies: [String: Body]
    /// `METHOD /path/{}/…` of the public operations.
    let publicOperations: Set<String>

    static let document = DocumentRules(json: Data(EmbeddedOpenAPIDocument.json.utf8))

    init(json: Data) {
        let document = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        var bodies: [String: Body] = [:]
        var publicOperations: Set<String> = []
        for (path, operations) in paths {
            for (method, operation) in operations {
                guard let operation = operation as? [String: Any] else { continue }
                let key = Self.key(method, path)
                // Only an explicit empty list is public; an operation without `security` takes
                // the document's default, which is none here, so it would be refused, not opened.
                if let security = operation["security"] as? [Any], security.isEmpty { publicOperations.insert(key) }
                guard let body = operation["requestBody"] as? [String: Any],
                    (body["content"] as? [String: Any])?["application/json"] != nil
                else { continue }
                bodies[key] = body["required"] as? Bool == true ? .required : .optional
            }
        }
        self.bodies = bodies
        self.publicOperations = publicOperations
    }

    /// The JSON body of the operation at `path` (a route template: `{org}` or `:org`).
    func body(method: String, path: String) -> Body? { bodies[Self.key(method, path)] }

    /// Whether the operation at `path` (a route template) is public.
    func isPublic(method: String, path: String) -> Bool { publicOperations.contains(Self.key(method, path)) }

    static func key(_ method: String, _ path: String) -> String {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") ? "{}" : String(segment)
        }
        return method.uppercased() + " " + template.joined(separator: "/")
    }
}
