import Foundation

/// Which operations take a JSON body, and whether it may be left out, read once from the
/// embedded document, so ``OpenAPIScopeMiddleware`` answers 415 exactly where the document
/// says a JSON body goes.
struct RequestBodyRules: Sendable {
    enum Body: Sendable, Equatable {
        case required
        case optional
    }

    /// `METHOD /path/{}/…` → the operation's JSON body.
    let bodies: [String: Body]

    static let document = RequestBodyRules(json: Data(EmbeddedOpenAPIDocument.json.utf8))

    init(json: Data) {
        let document = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        var bodies: [String: Body] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                guard let body = (operation as? [String: Any])?["requestBody"] as? [String: Any],
                    (body["content"] as? [String: Any])?["application/json"] != nil
                else { continue }
                bodies[Self.key(method, path)] = body["required"] as? Bool == true ? .required : .optional
            }
        }
        self.bodies = bodies
    }

    /// The JSON body of the operation at `path` (a route template: `{org}` or `:org`).
    func body(method: String, path: String) -> Body? { bodies[Self.key(method, path)] }

    static func key(_ method: String, _ path: String) -> String {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") ? "{}" : String(segment)
        }
        return method.uppercased() + " " + template.joined(separator: "/")
    }
}
