import ControlPlane
import Foundation
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The operations of `openapi.yaml` that the generated server protocol serves (the config's
/// filter lists them), one extension per route group: thin adapters from the generated input and
/// output types to the services, which hold the use cases and their checks.
///
/// Handlers throw the API's errors; `APIErrorMiddleware` answers them in the error envelope, as
/// for the hand-written routes. The caller comes from the request context (``RequestScope``).
struct APIHandler: APIProtocol {
    let organizations: Organizations
    let authentication: Authentication
    let accounts: Accounts
    let accessControl: AccessControl
    let members: Members
    let invitations: Invitations
    let serviceAccounts: ServiceAccounts
    let secondFactor: SecondFactor
    let audit: AuditTrail
    let auditNames: AuditNames
    let osRegistry: OSRegistry
    let signingKeys: SigningKeys
    let tokens: TokenIssuer
    let statusLists: StatusLists
    let readiness: ReadinessCheck
    let metrics: ControlPlaneMetrics

    /// The caller's standing in organisation `org`, as `APIRequestContext.access` resolves it for
    /// the hand-written routes; the use case it is handed to checks its own permission.
    func access(_ org: String) async throws -> OrgAccess {
        try await organizations.access(try RequestScope.current.requireCaller(), org: org)
    }

    /// Registers the generated routes on `group`, which carries the caller middleware (passing
    /// the document's public operations).
    func register(on group: RouterGroup<APIRequestContext>) {
        let routes = group.add(middleware: GeneratedHandlerAdapter())
        // The configuration matches JSONResponse's encoding (sorted keys, no escaped slashes).
        let configuration = Configuration(dateTranscoder: .iso8601, jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
        do {
            try registerHandlers(on: routes, configuration: configuration)
        } catch {
            // Only an invalid server URL can fail here, and the default one is a constant.
            preconditionFailure("registering the generated routes failed: \(error)")
        }
    }
}
