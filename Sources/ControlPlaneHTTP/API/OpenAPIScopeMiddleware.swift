import Hummingbird

/// Runs before the generated operation handlers: the body limit and JSON-only bodies are
/// checked here, with the API's own errors (413, 415), before the generated code reads the
/// body (an optional one left out reads as `{}`); the query is written as the generated decoder must see it to read what Hummingbird
/// read (``queryAsRead(_:)``); and the request context is made available to the handlers
/// (``RequestScope``).
struct OpenAPIScopeMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let buffer = try await request.collectBodyWithinLimit(context)
        // As the hand-written routes decide: an operation whose document names a JSON body
        // refuses any other type, and an absent one unless the body is optional and empty.
        if let body = RequestBodyRules.document.body(method: request.method.rawValue, path: context.endpointPath ?? "") {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let emptyAllowed = body == .optional && buffer.readableBytes == 0
            if !emptyAllowed, !contentType.hasPrefix("application/json") {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
            }
            // An optional body left out reads as `{}`, whatever the Content-Type, as the
            // hand-written routes read it; the generated code would refuse the empty body as JSON.
            if emptyAllowed {
                var head = request.head
                head.headerFields[.contentType] = "application/json"
                request = Request(head: head, body: .init(buffer: ByteBuffer(string: "{}")))
            }
        }
        if let path = request.head.path, let rewritten = Self.queryAsRead(path) {
            var head = request.head
            head.path = rewritten
            request = Request(head: head, body: request.body)
        }
        return try await RequestScope.$context.withValue(context) {
            try await next(request, context)
        }
    }

    /// `path` with its query written so the generated decoder reads the values Hummingbird's
    /// `queryParameters` read for the hand-written routes, or nil when nothing changes. The
    /// generated decoder reads `+` as a space, where Hummingbird keeps a plus (so it is sent as
    /// `%2B`), and cannot parse a pair without `=` or an empty pair at all (it fails with a 500),
    /// where Hummingbird reads an empty value and skips an empty pair.
    static func queryAsRead(_ path: String) -> String? {
        guard let mark = path.firstIndex(of: "?") else { return nil }
        let query = path[path.index(after: mark)...]
        let pairs = query.split(separator: "&").map { pair in
            (pair.contains("=") ? String(pair) : pair + "=").replacing("+", with: "%2B")
        }
        let rewritten = pairs.joined(separator: "&")
        return rewritten == query ? nil : path[...mark] + rewritten
    }
}
