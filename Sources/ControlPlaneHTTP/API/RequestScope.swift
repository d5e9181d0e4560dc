import HTTPTypes

/// The Hummingbird context of the request a generated operation handler is serving.
///
/// Generated handlers receive only the operation's input; the caller, the client address and
/// the path's raw parameters live in the request context, which ``GeneratedHandlerAdapter``
/// makes available here for the duration of the request.
enum RequestScope {
    @TaskLocal static var context: APIRequestContext?

    /// The current request's context (set on every route registered through the generated protocol).
    static var current: APIRequestContext {
        get throws {
            guard let context else { throw APIError(.internalServerError, code: "internal", message: "internal error") }
            return context
        }
    }
}
