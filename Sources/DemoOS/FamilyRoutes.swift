import AgentOSAuth
import AgentOSAuthHummingbird
import Foundation
import Hummingbird

/// `/agents`, `/teams` or `/workflows`: list, show, run, list runs, resume a run, fork or compact a session.
struct FamilyRoutes {
    let family: Family
    let store: RunStore

    func register(on router: Router<AgentOSRequestContext>) {
        let base = RouterPath("/\(family.rawValue)")
        router.get(base) { _, context in
            let items = try context.filterReadable(family.rawValue, family.components, id: \.id)
            return JSON(.array(items.map(\.json)))
        }
        router.get("\(base)/{id}") { _, context in
            let component = try find(context)
            try context.requireAccess(family.rawValue, id: component.id, action: "read")
            return JSON(component.json)
        }
        router.post("\(base)/{id}/runs") { request, context in
            let component = try find(context)
            try context.requireAccess(family.rawValue, id: component.id, action: "run")
            let fields = try await RequestBody.fields(request)
            guard let message = fields["message"] else { throw AuthDetailError(.unprocessableContent, detail: "message is required") }
            let principal = context.principal
            // A token's sub and session_id override whatever the caller put in the form.
            let userID = principal?.mode == .jwt ? principal?.subject : fields["user_id"]
            let sessionID = principal?.sessionID ?? fields["session_id"] ?? UUID().uuidString.lowercased()
            let run = Run(
                run_id: UUID().uuidString.lowercased(),
                component_id: component.id,
                family: family.rawValue,
                session_id: sessionID,
                user_id: userID,
                content: "echo: \(message)",
                created_at: Int(Date().timeIntervalSince1970)
            )
            await store.add(run)
            return JSON(runJSON(run))
        }
        router.get("\(base)/{id}/runs") { request, context in
            let component = try find(context)
            try context.requireAccess(family.rawValue, id: component.id, action: "run")
            let sessionID = request.uri.queryParameters.get("session_id")
            let runs = await store.runs(family: family.rawValue, componentID: component.id, sessionID: sessionID)
            if sessionID != nil && runs.isEmpty { throw AuthDetailError(.notFound, detail: "Session not found") }
            return JSON(.array(runs.map(runJSON)))
        }
        // Agno maps none of these three in its route table: the handler's run check is the only guard.
        router.post("\(base)/{id}/sessions/{session_id}/fork") { _, context in
            let (component, sessionID) = try await session(context)
            return JSON(
                .object([
                    ("session_id", .string(UUID().uuidString.lowercased())), ("forked_from", .string(sessionID)),
                    (idKey, .string(component.id)),
                ])
            )
        }
        router.post("\(base)/{id}/sessions/{session_id}/compact") { _, context in
            let (component, sessionID) = try await session(context)
            return JSON(.object([("session_id", .string(sessionID)), ("compacted", true), (idKey, .string(component.id))]))
        }
        router.post("\(base)/{id}/runs/{run_id}/resume") { _, context in
            let component = try find(context)
            try context.requireAccess(family.rawValue, id: component.id, action: "run")
            let runID = try context.parameters.require("run_id")
            guard let run = await store.run(id: runID), run.family == family.rawValue, run.component_id == component.id else {
                throw AuthDetailError(.notFound, detail: "Run not found")
            }
            return JSON(runJSON(run))
        }
    }

    private var idKey: String { "\(family.singular.lowercased())_id" }

    /// The component and session of a session route, after the `<family>:<id>:run` check.
    private func session(_ context: AgentOSRequestContext) async throws -> (Component, String) {
        let component = try find(context)
        try context.requireAccess(family.rawValue, id: component.id, action: "run")
        let sessionID = try context.parameters.require("session_id")
        guard !(await store.runs(family: family.rawValue, componentID: component.id, sessionID: sessionID)).isEmpty else {
            throw AuthDetailError(.notFound, detail: "Session not found")
        }
        return (component, sessionID)
    }

    private func find(_ context: AgentOSRequestContext) throws -> Component {
        let id = try context.parameters.require("id")
        guard let component = family.components.first(where: { $0.id == id }) else {
            throw AuthDetailError(.notFound, detail: "\(family.singular) not found")
        }
        return component
    }

    private func runJSON(_ run: Run) -> JSONBody {
        .object([
            ("run_id", .string(run.run_id)), (idKey, .string(run.component_id)), ("session_id", .string(run.session_id)),
            ("user_id", .optional(run.user_id)), ("content", .string(run.content)), ("created_at", .int(run.created_at)),
        ])
    }
}
