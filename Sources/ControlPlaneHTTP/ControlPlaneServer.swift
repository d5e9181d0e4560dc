public import ControlPlane
public import Hummingbird
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Builds the control plane's HTTP application.
public enum ControlPlaneServer {
    /// Everything the routes need, created by the composition root.
    public struct Dependencies: Sendable {
        public var client: PostgresClient
        public var migrations: MigrationRunner
        public var service: ControlPlaneService

        public init(service: ControlPlaneService, migrations: MigrationRunner) {
            self.client = service.client
            self.migrations = migrations
            self.service = service
        }
    }

    /// The router with every route and middleware; exposed for tests (`router.buildResponder()`).
    public static func buildRouter(_ dependencies: Dependencies) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            LogRequestsMiddleware(.info)
            APIErrorMiddleware()
        }
        HealthRoutes(readiness: ReadinessCheck(client: dependencies.client, runner: dependencies.migrations))
            .register(on: router)
        PublicKeyRoutes(service: dependencies.service).register(on: router)
        let service = dependencies.service
        AuthRoutes(service: service).registerPublic(on: router)
        OAuthRoutes(service: service).register(on: router)
        OpenAPIRoutes().register(on: router)
        let v1 = router.group("/v1").add(middleware: CallerMiddleware(service: service))
        OrganizationRoutes(service: service).register(on: v1)
        OSRoutes(service: service).register(on: v1)
        AuthRoutes(service: service).register(on: v1)
        MemberRoutes(service: service).register(on: v1)
        AccessRoutes(service: service).register(on: v1)
        TokenRoutes(service: service).register(on: v1)
        return router
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
            router: buildRouter(dependencies),
            configuration: .init(address: .hostname(host, port: port), serverName: "controlplane"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
