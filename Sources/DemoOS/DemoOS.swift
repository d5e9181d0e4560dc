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
        router.get("/health") { _, _ in try JSON(["status": "ok"]) }
        router.get("/") { _, _ in try JSON(["name": "demo-os", "os_id": osID]) }
        router.get("/info") { _, _ in
            try JSON(["os_id": osID, "name": "Demo OS", "auth_mode": gate.authMode.rawValue] as [String: String])
        }
        router.get("/openapi.json") { _, _ in
            try JSON(["openapi": "3.1.0", "info": ["title": "demo-os", "version": "1"]] as [String: Any])
        }
        router.get("/config") { _, context in
            var body: [String: Any] = ["os_id": osID]
            for family in Family.allCases {
                body[family.rawValue] = context.accessibleIDs(family.rawValue, action: "read")
                    .filter(family.components, id: \.id).map { ["id": $0.id, "name": $0.name] }
            }
            return try JSON(body)
        }
        for family in Family.allCases { FamilyRoutes(family: family, store: store).register(on: router) }
        router.get("/sessions") { _, _ in
            let sessions = await store.sessions()
            let data = sessions.keys.sorted().map { id in ["session_id": id, "runs": sessions[id]!.count] as [String: Any] }
            return try JSON(["data": data, "meta": ["total_count": data.count]] as [String: Any])
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

/// A JSON body of any shape, status 200 unless told otherwise.
struct JSON: ResponseGenerator {
    var object: Any
    var status: HTTPResponse.Status = .ok

    init(_ object: Any, status: HTTPResponse.Status = .ok) throws {
        self.object = object
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
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
