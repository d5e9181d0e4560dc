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
///
/// A class: the generated server copies its handler into every operation's closure, and with
/// sixteen services held by value that copy led the request path's profile
/// (docs/performance.md).
final class APIHandler: APIProtocol, Sendable {
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

    init(
        organizations: Organizations,
        authentication: Authentication,
        accounts: Accounts,
        accessControl: AccessControl,
        members: Members,
        invitations: Invitations,
        serviceAccounts: ServiceAccounts,
        secondFactor: SecondFactor,
        audit: AuditTrail,
        auditNames: AuditNames,
        osRegistry: OSRegistry,
        signingKeys: SigningKeys,
        tokens: TokenIssuer,
        statusLists: StatusLists,
        readiness: ReadinessCheck,
        metrics: ControlPlaneMetrics
    ) {
        self.organizations = organizations
        self.authentication = authentication
        self.accounts = accounts
        self.accessControl = accessControl
        self.members = members
        self.invitations = invitations
        self.serviceAccounts = serviceAccounts
        self.secondFactor = secondFactor
        self.audit = audit
        self.auditNames = auditNames
        self.osRegistry = osRegistry
        self.signingKeys = signingKeys
        self.tokens = tokens
        self.statusLists = statusLists
        self.readiness = readiness
        self.metrics = metrics
    }

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
