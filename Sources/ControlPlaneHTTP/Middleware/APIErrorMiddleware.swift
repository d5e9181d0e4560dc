import ControlPlane
import Foundation
public import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns every error into the API's JSON error shape; nothing internal (SQL, keys) leaks.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            do {
                return try await next(request, context)
            } catch let error as ServerError {
                // A generated operation wraps what failed: answer for the cause, as a hand-written
                // route would; the generated code's own refusals (a missing parameter, say) keep their
                // 4xx status with its description.
                guard Self.isOurs(error.underlyingError) || error.httpStatus.code >= 500 else { throw Self.translate(error) }
                throw error.underlyingError
            }
        } catch let error as APIError {
            throw error
        } catch let error as ControlPlaneError {
            throw Self.translate(error)
        } catch let error as HTTPError {
            throw Self.translate(error)
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid JSON body: \(Self.describe(error))")
        } catch  where UnstorableText.matches(error) {
            throw APIError.badRequest("text must not contain NUL characters")
        } catch  where DatabaseOutage.matches(error) {
            context.logger.warning("database unavailable", metadata: ["error.type": "\(type(of: error))"])
            throw APIError.unavailable("the database is unavailable; retry shortly")
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }

    static func isOurs(_ error: any Error) -> Bool {
        error is APIError || error is ControlPlaneError || error is HTTPError || error is DecodingError || DatabaseOutage.matches(error)
            || UnstorableText.matches(error)
    }

    /// A refusal of the generated request decoding (its status, with the generator's description).
    static func translate(_ error: ServerError) -> APIError {
        switch error.httpStatus {
        case .unsupportedMediaType:
            .init(.unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
        case .badRequest: .badRequest(error.causeDescription)
        default: .init(error.httpStatus, code: "http_\(error.httpStatus.code)", message: error.causeDescription)
        }
    }

    /// The one mapping from domain errors to HTTP statuses.
    static func translate(_ error: ControlPlaneError) -> APIError {
        switch error {
        case .invalid(let message): .badRequest(message)
        case .notFound(let message): .notFound(message)
        case .conflict(let message): .conflict(message)
        case .unauthenticated(let message): .unauthorized(message)
        case .forbidden(let message), .scopesRefused(let message): .forbidden(message)
        case .mfaRequired(let message): .init(.forbidden, code: "mfa_required", message: message)
        case .tooManyRequests(let seconds):
            .init(.tooManyRequests, code: "too_many_requests", message: error.description, headers: [.retryAfter: "\(seconds)"])
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: return .notFound(error.body ?? "no such route")
        case .contentTooLarge: return .init(.contentTooLarge, code: "too_large", message: "request body exceeds 1 MiB")
        case .methodNotAllowed: return .init(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed")
        case .badRequest: return .badRequest(error.body ?? "bad request")
        default:
            return .init(error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        }
    }

    /// Names the offending field without echoing values (they may be secrets).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map(\.stringValue).joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(parent == "body" ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field '\(path(context))' is invalid"
        @unknown default:
            return "not valid JSON"
        }
    }
}
