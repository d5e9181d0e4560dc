import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationCompat

/// `GET /console` (and `/console/invite`, `/console/reset` and `/console/setup`, whose codes stay
/// in the URL fragment, never sent here) answers the console's page, and `/` leads to it; `GET /console/assets/{file}` its
/// scripts and styles. The console is a client of the public `/v1` API only: nothing here reads
/// or changes state.
struct ConsoleRoutes {
    let assets: ConsoleAssets

    func register(on router: Router<APIRequestContext>) {
        router.get("/console") { _, _ in try page() }
        router.get("/console/invite") { _, _ in try page() }
        // The page of the reset links OneTimeCode writes (`…/console/reset#cpr_…`).
        router.get("/console/reset") { _, _ in try page() }
        // The first-run setup link `serve` prints (`…/console/setup#cpf_…`).
        router.get("/console/setup") { _, _ in try page() }
        // Someone who opens the bare address wants the console, not a JSON 404.
        router.get("/") { _, _ in Response(status: .found, headers: [.location: "/console"]) }
        router.get("/console/assets/{file}") { _, context in
            let name = try context.parameters.require("file")
            guard name != "index.html", let asset = assets.files[name] else {
                throw APIError.notFound("no console file '\(name.prefix(64))'")
            }
            return Self.response(asset)
        }
    }

    func page() throws -> Response {
        guard let index = assets.files["index.html"] else {
            throw APIError.notFound("the console is not installed: set CONTROL_PLANE_CONSOLE_DIR to the repository's Console/ directory")
        }
        return Self.response(index)
    }

    /// `no-cache`: the browser revalidates, so an upgraded control plane never runs yesterday's script.
    static func response(_ asset: ConsoleAssets.Asset) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(data: asset.data))
        )
    }
}
