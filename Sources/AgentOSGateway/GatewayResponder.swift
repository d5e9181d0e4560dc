public import AgentOSAuth
public import AsyncHTTPClient
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
public import Prometheus

/// Decides every request with the verifier, then forwards it to the upstream AgentOS and streams
/// the answer back (docs/gateway.md).
///
/// It is the application's whole responder, not a route: no router may split, merge or decode
/// the path before the gate sees it (``GatewayPath``).
public struct GatewayResponder: HTTPResponder {
    public typealias Context = GatewayRequestContext

    let configuration: GatewayConfiguration
    let gate: AuthGate
    let client: HTTPClient
    let metrics: GatewayMetrics

    /// A responder forwarding to `configuration.upstream` through `client`, which must not follow
    /// redirects nor decompress (``Gateway/makeHTTPClient(configuration:)``).
    public init(configuration: GatewayConfiguration, gate: AuthGate, client: HTTPClient, registry: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.gate = gate
        self.client = client
        self.metrics = GatewayMetrics(registry: registry)
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = Self.requestID(request.headers[.xRequestID])
        let upload = RequestUpload()
        var response: Response
        do {
            response = try await forward(request, context: context, requestID: requestID, upload: upload)
        } catch {
            metrics.count(error.outcome)
            if case .upstreamUnreachable = error {
                context.logger.warning("upstream unreachable", metadata: ["request.id": "\(requestID)"])
            }
            response = Self.detail(error)
            if case .upstreamBusy = error { response.headers[.retryAfter] = "1" }
            if let origin = request.headers[.origin], configuration.corsOrigins.contains(origin) {
                // What Starlette's CORSMiddleware (Agno's, credentials allowed) adds for a listed origin.
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlAllowCredentials] = "true"
                response.headers[.vary] = "Origin"
            }
        }
        response.headers[.xRequestID] = requestID
        // The answer is done only once a streamed upload has stopped reading the request's body:
        // then Hummingbird may read (and discard) the rest of it (``RequestUpload``). Requests
        // without one (most) answer as they are.
        guard upload.streams else { return response }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                await upload.close()
                throw error
            }
            await upload.close()
        }
        return response
    }

    private func forward(_ request: Request, context: Context, requestID: String, upload: RequestUpload) async throws(GatewayError)
        -> Response
    {
        let target = request.head.path ?? "/"
        let path: String
        do {
            path = try GatewayPath.decided(fromTarget: target)
        } catch {
            throw .refused(error)
        }
        let credentials = request.headers[values: .authorization]
        if credentials.count > 1 { throw .ambiguousAuthorization }
        // Framing is checked before the gate, as a parser would: nothing is sent until `execute`.
        var outgoing = try UpstreamRequest.make(
            request,
            target: target,
            upstream: configuration.upstream,
            client: .init(address: context.remoteAddress, requestID: requestID),
            trustForwarded: configuration.trustForwarded,
            maxBodyBytes: configuration.maxBodyBytes,
            upload: upload
        )
        if case .denied(let error) = await gate.decide(method: request.method.rawValue, path: path, authorization: credentials.first) {
            throw .refused(error)
        }
        // A small body is read whole and sent with the head. Streamed, a part that races an
        // upstream already answering ≥ 300 fails AsyncHTTPClient's request, and the answer with it
        // (the second attack saw 1 answer in 10 cut after its head).
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > 0, declared <= Self.wholeBodyLimit {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: declared)
            } catch {
                throw .bodyIncomplete
            }
            // A client that stops early must not have its half a request run (the third attack).
            guard body.readableBytes == declared else { throw .bodyIncomplete }
            outgoing.body = .bytes(body)
        } else if outgoing.body != nil {
            upload.willStream()
        }
        let started = ContinuousClock.now
        let upstream: HTTPClientResponse
        do {
            upstream = try await client.execute(outgoing, timeout: .nanoseconds(Int64(configuration.upstreamTimeout * 1e9)))
        } catch {
            if upload.breached { throw .bodyTooLarge(limit: configuration.maxBodyBytes) }
            throw (error as? GatewayError) ?? Self.classify(error)
        }
        // A 1xx final answer (101 Switching Protocols) would turn the client's connection into a
        // tunnel the gateway does not relay: WebSocket upgrades are not passed on yet.
        guard upstream.status.code >= 200 else { throw .upstreamFailed }
        metrics.upstreamAnswered(after: ContinuousClock.now - started)
        metrics.count("forwarded")
        var headers = HTTPFields()
        let listed = HopByHop.listed(upstream.headers["connection"])
        for (name, value) in upstream.headers {
            guard let field = HTTPField.Name(name), !HopByHop.stops(field, listed: listed), field != .xRequestID else { continue }
            headers.append(HTTPField(name: field, value: value))
        }
        return Response(
            status: HTTPResponse.Status(code: Int(upstream.status.code), reasonPhrase: upstream.status.reasonPhrase),
            headers: headers,
            body: ResponseBody(asyncSequence: upstream.body)
        )
    }

    /// Bodies of at most this many bytes with a `Content-Length` are read before forwarding.
    static let wholeBodyLimit = 64 * 1024

    /// `{"detail": …}` as Starlette writes it (`json.dumps`, compact, `/` unescaped), so a refusal
    /// through the gateway reads byte for byte as Agno's own.
    static func detail(_ error: GatewayError) -> Response {
        var bytes = Array(#"{"detail":"#.utf8)
        JSONStringWriter.append(error.detail, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return Response(
            status: error.status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// An upstream failure before its answer's head, as the client should see it.
    static func classify(_ error: any Error) -> GatewayError {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return .upstreamTimeout
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return .upstreamFailed
        case let error as HTTPClientError where error == .getConnectionFromPoolTimeout:
            return .upstreamBusy
        default:
            return .upstreamUnreachable
        }
    }

    /// The client's request id when it is short printable text, else a new one.
    static func requestID(_ given: String?) -> String {
        if let given, (1...128).contains(given.utf8.count), given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return given }
        return UUID().uuidString.lowercased()
    }
}
