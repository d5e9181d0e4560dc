import HTTPTypes
import Hummingbird

/// `GET /openapi.json` and `GET /openapi.yaml` (public): the API's one description,
/// `Sources/ControlPlaneHTTP/openapi.yaml`, compiled into the binary (docs/api.md).
struct OpenAPIRoutes {
    static let json = ByteBuffer(string: EmbeddedOpenAPIDocument.json)
    static let yaml = ByteBuffer(string: EmbeddedOpenAPIDocument.yaml)

    func register(on router: Router<APIRequestContext>) {
        router.get("/openapi.json") { _, _ in Self.document(Self.json, type: "application/json; charset=utf-8") }
        router.get("/openapi.yaml") { _, _ in Self.document(Self.yaml, type: "application/yaml; charset=utf-8") }
    }

    static func document(_ body: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: body)
        )
    }
}
