public import ControlPlane
public import Hummingbird
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Builds the control plane's HTTP application.
public enum ControlPlaneServer {
    /// Everything the routes need, created by the composition root.
    public struct Dependencies: Sendable {
        /// For the readiness check (the database answers) only; routes reach the database through services.
        public var client: PostgresClient
        public var migrations: MigrationRunner
        public var services: ControlPlaneServices
        /// How long a request may run before it is answered 503 (`CONTROL_PLANE_REQUEST_TIMEOUT`).
        public var requestTimeout: Duration
        /// Where requests, tokens, sign-ins and serves are counted; `/metrics` renders it.
        public var metrics: ControlPlaneMetrics
        /// Proxies whose `X-Forwarded-For` is believed (`CONTROL_PLANE_TRUSTED_PROXIES`).
        public var trustedProxies: TrustedProxies
        /// The browser console's files, served at `/console` (``ConsoleAssets/none``: not installed).
        public var console: ConsoleAssets
        /// The replica's change feed (`serve` runs it): with it, a change is in force on every
        /// replica before its request is answered; without, caching is off (``ChangeFeed``).
        public var changeFeed: ChangeFeed?
        /// How long `/ready` waits for the database before answering 503.
        public var readinessTimeout: Duration

        public init(
            client: PostgresClient,
            services: ControlPlaneServices,
            migrations: MigrationRunner,
            requestTimeout: Duration = .seconds(5),
            metrics: ControlPlaneMetrics = ControlPlaneMetrics(),
            trustedProxies: TrustedProxies = .none,
            console: ConsoleAssets = .none,
            changeFeed: ChangeFeed? = nil,
            readinessTimeout: Duration = .seconds(2)
        ) {
            self.client = client
            self.migrations = migrations
            self.services = services
            self.requestTimeout = requestTimeout
            self.metrics = metrics
            self.trustedProxies = trustedProxies
            self.console = console
            self.changeFeed = changeFeed
            self.readinessTimeout = readinessTimeout
        }
    }

    /// The router with every route and middleware; exposed for tests (`router.buildResponder()`).
    /// Each route group receives only the services it calls.
    public static func buildRouter(_ dependencies: Dependencies) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            SecurityHeadersMiddleware()
            RequestMetricsMiddleware(metrics: dependencies.metrics)
            LogRequestsMiddleware(.info)
            APIErrorMiddleware()
            ClientAddressMiddleware(trusted: dependencies.trustedProxies)
            ChangeFenceMiddleware(
                epoch: dependencies.services.cacheEpoch,
                feed: dependencies.changeFeed,
                audit: dependencies.services.auditSequencer
            )
        }
        let services = dependencies.services
        let metrics = dependencies.metrics
        let cookies = CookieSessions(issuer: services.settings.issuer)
        ConsoleRoutes(assets: dependencies.console).register(on: router)
        PublicKeyRoutes(
            signingKeys: services.signingKeys,
            jwksFetches: services.jwksFetches,
            statusLists: services.statusLists,
            jwksMaxAge: services.settings.jwksMaxAge,
            metrics: metrics
        ).register(on: router)
        MetricsRoutes(metrics: metrics, stats: services.stats).register(on: router)
        AuthRoutes(authentication: services.authentication, metrics: metrics, cookies: cookies).registerPublic(on: router)
        InvitationRoutes(invitations: services.invitations, authentication: services.authentication, cookies: cookies)
            .registerPublic(on: router)
        SetupRoutes(setup: services.setup, cookies: cookies).register(on: router)
        ScopeCatalogRoutes().register(on: router)
        OAuthRoutes(tokens: services.tokens, metrics: metrics).register(on: router)
        OpenAPIRoutes().register(on: router)
        let callers = CallerMiddleware(authentication: services.authentication, cookies: cookies)
        let v1 = router.group("/v1").add(middleware: callers)
        let organizations = services.organizations
        // The operations openapi.yaml's generated protocol serves (openapi-generator-config.yaml).
        APIHandler(
            organizations: organizations,
            authentication: services.authentication,
            accounts: services.accounts,
            accessControl: services.accessControl,
            members: services.members,
            invitations: services.invitations,
            serviceAccounts: services.serviceAccounts,
            secondFactor: services.secondFactor,
            audit: services.audit,
            auditNames: services.auditNames,
            osRegistry: services.osRegistry,
            signingKeys: services.signingKeys,
            tokens: services.tokens,
            statusLists: services.statusLists,
            readiness: ReadinessCheck(client: dependencies.client, runner: dependencies.migrations, timeout: dependencies.readinessTimeout),
            metrics: metrics
        ).register(
            on: router.group().add(
                middleware: callers
            )
        )
        AuthRoutes(authentication: services.authentication, metrics: metrics, cookies: cookies).register(on: v1)
        return router
    }

    /// The router's responder behind the request deadline, as the server runs it.
    public static func buildResponder(_ dependencies: Dependencies) -> some HTTPResponder<APIRequestContext> {
        DeadlineResponder(buildRouter(dependencies).buildResponder(), timeout: dependencies.requestTimeout)
    }

    /// The application; `services` (e.g. the `PostgresClient`) run in its service group.
    public static func buildApplication(
        _ dependencies: Dependencies,
        host: String,
        port: Int,
        services: [any Service],
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            responder: buildResponder(dependencies),
            configuration: .init(address: .hostname(host, port: port), serverName: "controlplane"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
