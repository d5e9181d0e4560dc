import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationCompat

/// `GET /openapi.json` (public).
struct OpenAPIRoutes {
    func register(on router: Router<APIRequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(data: OpenAPIDocument.json))
            )
        }
    }
}
