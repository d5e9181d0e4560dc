public import AgentOSAuth
public import AgentOSAuthHummingbird
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging

/// An AgentOS-shaped example server guarded by ``AgentOSAuthHummingbird/AgentOSAuthMiddleware``:
/// agents `web-agent`, `finance-agent`, team `research-team`, workflow `nightly-report`.
public enum DemoOS {
    /// The router with every demo route; `osID` is reported by `/info` and `/config`; browsers on
    /// `cors` origins may call it (`CORS_ORIGIN_LIST`, e.g. the control plane's console).
    public static func buildRouter(gate: AuthGate, osID: String, cors: CORSOrigins = CORSOrigins([])) -> Router<AgentOSRequestContext> {
        let router = Router(context: AgentOSRequestContext.self)
        router.addMiddleware {
            CORSOriginsMiddleware(allowed: cors)
            DetailErrorMiddleware()
            AgentOSAuthMiddleware(gate: gate)
        }
        let store = RunStore()
        router.get("/health") { _, _ in JSON(["status": "ok"]) }
        router.get("/") { _, _ in JSON(["name": "demo-os", "os_id": .string(osID)]) }
        router.get("/info") { _, _ in
            JSON(["os_id": .string(osID), "name": "Demo OS", "auth_mode": .string(gate.authMode.rawValue)])
        }
        router.get("/openapi.json") { _, _ in
            JSON(["openapi": "3.1.0", "info": ["title": "demo-os", "version": "1"]])
        }
        router.get("/config") { _, context in
            var body: [(String, JSONBody)] = [("os_id", .string(osID))]
            for family in Family.allCases {
                let readable = context.accessibleIDs(family.rawValue, action: "read").filter(family.components, id: \.id)
                body.append((family.rawValue, .array(readable.map(\.json))))
            }
            return JSON(.object(body))
        }
        for family in Family.allCases { FamilyRoutes(family: family, store: store).register(on: router) }
        router.get("/sessions") { _, _ in
            let sessions = await store.sessions()
            let data = sessions.keys.sorted().map { id -> JSONBody in ["session_id": .string(id), "runs": .int(sessions[id]!.count)] }
            return JSON(["data": .array(data), "meta": ["total_count": .int(data.count)]])
        }
        router.delete("/sessions/{session_id}") { _, context in
            let id = try context.parameters.require("session_id")
            guard await store.deleteSession(id) else { throw AuthDetailError(.notFound, detail: "Session not found") }
            return Response(status: .noContent)
        }
        return router
    }

    /// The application listening on `host:port`.
    public static func buildApplication(
        gate: AuthGate,
        osID: String,
        host: String,
        port: Int,
        cors: CORSOrigins = CORSOrigins([]),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(gate: gate, osID: osID, cors: cors),
            configuration: .init(address: .hostname(host, port: port), serverName: "demo-os"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

/// Answers framework errors (unknown route → 404) in Agno's `{"detail": ...}` shape.
struct DetailErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw AuthDetailError(error.status, detail: error.body ?? (error.status == .notFound ? "Not Found" : error.status.reasonPhrase))
        }
    }
}
