import AgentOSAuth
import Foundation
import Hummingbird

/// `GET /v1/scope-catalog`: the resources and actions of AgentOSAuth's `ScopeCatalog`, the same
/// table the server lints every scope with, so the console's picker keeps no copy of its own.
struct ScopeCatalogRoutes {
    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/scope-catalog") { _, _ in
            let catalog = Components.Schemas.ScopeCatalog(
                actions: ScopeCatalog.actions.sorted(),
                adminScope: Scope.defaultAdminScope,
                companyResources: ScopeCatalog.companyResources.sorted(),
                perResource: ScopeCatalog.perResourceFamilies.sorted(),
                resources: ScopeCatalog.resources.sorted()
            )
            // The same for everyone, and it changes only with a release.
            return try JSONResponse(catalog, headers: [.cacheControl: "public, max-age=3600"])
        }
    }
}
