import Hummingbird

/// Runs before the generated operation handlers, so they answer as the hand-written routes do:
/// the body limit and JSON-only bodies are checked here, with the API's own errors (413, 415),
/// before the generated code reads the body; the request is handed on as the generated code must
/// see it to read what Hummingbird read (``generatedCodeView(of:body:)``); and the request
/// context is made available to the handlers (``RequestScope``).
struct GeneratedHandlerAdapter: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let buffer = try await request.collectBodyWithinLimit(context)
        var body = BodyView.none
        // As the hand-written routes decide: an operation whose document names a JSON body
        // refuses any other type, and an absent one unless the body is optional and empty.
        if let rule = DocumentRules.document.body(method: request.method.rawValue, path: context.endpointPath ?? "") {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            body = rule == .optional && buffer.readableBytes == 0 ? .leftOut : .json
            if body == .json, !contentType.hasPrefix("application/json") {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
            }
        }
        let handedOn = Self.generatedCodeView(of: request, body: body)
        return try await RequestScope.$context.withValue(context) {
            try await next(handedOn, context)
        }
    }

    /// What the operation's body is, by the API's rules.
    enum BodyView: Equatable {
        /// The document names no JSON body (any body is ignored).
        case none
        /// A JSON body, by the API's rule: a Content-Type that starts with `application/json`.
        case json
        /// An optional body left out.
        case leftOut
    }

    /// `request` as the generated code must read it to see what the hand-written routes saw:
    /// * a JSON body is labelled plain `application/json` (the generated code would refuse
    ///   `application/json-patch+json`, which the API's rule reads as JSON);
    /// * an optional body left out is `{}`, whatever its Content-Type (the generated code would
    ///   refuse the empty body as JSON);
    /// * the query is written as ``queryAsRead(_:)`` says;
    /// * `Accept` is removed: the API answers JSON whatever a client accepts, where the generated
    ///   code would refuse `Accept: text/html` with a 406 (a malformed one with a 400), statuses
    ///   the document does not declare.
    static func generatedCodeView(of request: Request, body view: BodyView) -> Request {
        var head = request.head
        var body = request.body
        if view != .none { head.headerFields[.contentType] = "application/json" }
        if view == .leftOut { body = .init(buffer: ByteBuffer(string: "{}")) }
        if let path = head.path, let rewritten = queryAsRead(path) { head.path = rewritten }
        head.headerFields[.accept] = nil
        return view != .leftOut && head == request.head ? request : Request(head: head, body: body)
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
