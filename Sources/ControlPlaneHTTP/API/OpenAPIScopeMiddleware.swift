import Hummingbird

/// Runs before the generated operation handlers: the body limit and JSON-only bodies are
/// checked here, with the API's own errors (413, 415), before the generated code reads the
/// body, and the request context is made available to the handlers (``RequestScope``).
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
        }
        return try await RequestScope.$context.withValue(context) {
            try await next(request, context)
        }
    }
}
