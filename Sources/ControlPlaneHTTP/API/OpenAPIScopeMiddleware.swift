import Hummingbird

/// Runs before the generated operation handlers, so they answer as the hand-written routes do:
/// the body limit and JSON-only bodies are checked here, with the API's own errors (413, 415),
/// before the generated code reads the body; the request is handed on as the generated code must
/// see it to read what Hummingbird read (``generatedCodeView(of:emptyBody:)``); and the request
/// context is made available to the handlers (``RequestScope``).
struct OpenAPIScopeMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let buffer = try await request.collectBodyWithinLimit(context)
        var emptyBody = false
        // As the hand-written routes decide: an operation whose document names a JSON body
        // refuses any other type, and an absent one unless the body is optional and empty.
        if let body = RequestBodyRules.document.body(method: request.method.rawValue, path: context.endpointPath ?? "") {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            emptyBody = body == .optional && buffer.readableBytes == 0
            if !emptyBody, !contentType.hasPrefix("application/json") {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
            }
        }
        let handedOn = Self.generatedCodeView(of: request, emptyBody: emptyBody)
        return try await RequestScope.$context.withValue(context) {
            try await next(handedOn, context)
        }
    }

    /// `request` as the generated code must read it to see what the hand-written routes saw:
    /// * an optional body left out (`emptyBody`) is `{}`, whatever its Content-Type (the
    ///   generated code would refuse the empty body as JSON);
    /// * the query is written as ``queryAsRead(_:)`` says;
    /// * `Accept` is removed: the API answers JSON whatever a client accepts, where the generated
    ///   code would refuse `Accept: text/html` with a 406 (a malformed one with a 400), statuses
    ///   the document does not declare.
    static func generatedCodeView(of request: Request, emptyBody: Bool) -> Request {
        var head = request.head
        var body = request.body
        if emptyBody {
            head.headerFields[.contentType] = "application/json"
            body = .init(buffer: ByteBuffer(string: "{}"))
        }
        if let path = head.path, let rewritten = queryAsRead(path) { head.path = rewritten }
        head.headerFields[.accept] = nil
        return !emptyBody && head == request.head ? request : Request(head: head, body: body)
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
