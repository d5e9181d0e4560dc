import Foundation

/// The operations the embedded document marks `security: []`, read once: on the generated
/// routes' group, ``CallerMiddleware`` lets these through without a credential, so which
/// operation is public is said in one place, the document, as a client reads it.
struct PublicOperations: Sendable {
    /// `METHOD /path/{}/…` keys (``RequestBodyRules/key(_:_:)``).
    let operations: Set<String>

    static let document = PublicOperations(json: Data(EmbeddedOpenAPIDocument.json.utf8))

    init(json: Data) {
        let document = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        var operations: Set<String> = []
        for (path, items) in paths {
            for (method, operation) in items {
                // Only an explicit empty list is public; an operation without `security` takes
                // the document's default, which is none here, so it would be refused, not opened.
                guard let security = (operation as? [String: Any])?["security"] as? [Any], security.isEmpty else { continue }
                operations.insert(RequestBodyRules.key(method, path))
            }
        }
        self.operations = operations
    }

    /// Whether the operation at `path` (a route template: `{org}` or `:org`) is public.
    func contains(method: String, path: String) -> Bool {
        operations.contains(RequestBodyRules.key(method, path))
    }
}
