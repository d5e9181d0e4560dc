public import AgentOSAuth
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The ``AgentOSAuth/DocumentFetcher`` of an OS that verifies with `JWT_JWKS_URL` or checks
/// `JWT_STATUS_LIST_ORIGIN`: AsyncHTTPClient, on NIO's event loops (a waiting fetch costs no
/// thread and no CPU), keeping every rule of ``AgentOSAuth/DocumentRequest``.
///
/// * A URL that is neither `https` nor `http` to a loopback host is refused unfetched.
/// * No redirect is followed: a 3xx is a failed fetch.
/// * Reading stops past the request's size limit (at once when `Content-Length` says so).
/// * 5 s to connect and at most 5 s between reads; the whole fetch ends by ``deadline``,
///   answered or not.
/// * No cache and no cookies on the way.
///
/// Pass ``fetch(_:)`` to `AuthGate(configuration:fetcher:)`.
public struct HTTPClientDocumentFetcher: Sendable {
    /// The process's client for these fetches: one that follows no redirect. It lives as long as
    /// the process (as AsyncHTTPClient's own shared client does), so it is never shut down.
    static let client = HTTPClient(
        configuration: .init(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(5)),
            decompression: .disabled
        )
    )

    /// How long a fetch may take in all.
    public let deadline: Duration

    /// A fetcher whose fetches end by `deadline`.
    public init(deadline: Duration = .seconds(10)) {
        self.deadline = deadline
    }

    /// Fetches `request.url` under the request's rules.
    ///
    /// - Throws: ``AgentOSAuth/AgentOSAuthError`` (``AgentOSAuth/AgentOSAuthError/Code/invalidKey``)
    ///   naming the broken rule, or the transport's error.
    public func fetch(_ request: DocumentRequest) async throws -> FetchedDocument {
        guard DocumentRequest.isAllowedURL(request.url) else {
            throw AgentOSAuthError(.invalidKey, "\(request.setting) must be https (plain http only to a loopback host)")
        }
        let deadline = self.deadline
        return try await withThrowingTaskGroup(of: FetchedDocument?.self) { group in
            group.addTask { try await Self.get(request, deadline: deadline) }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard case let document?? = try await group.next() else {
                throw AgentOSAuthError(.invalidKey, "\(request.setting): no answer within \(deadline.components.seconds) s")
            }
            return document
        }
    }

    private static func get(_ request: DocumentRequest, deadline: Duration) async throws -> FetchedDocument {
        var get = HTTPClientRequest(url: request.url.absoluteString)
        get.headers.add(name: "Accept", value: request.accept)
        if let osID = request.osID { get.headers.add(name: DocumentRequest.osIDHeader, value: osID) }
        // `fetch` ends the whole fetch (the body included) at the deadline by cancelling this task.
        // The client's own timeout, were it the same, would race that answer with an error of its
        // own, so it is only a backstop, set past the deadline.
        let (seconds, attoseconds) = (deadline + .seconds(5)).components
        let response = try await client.execute(get, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        let status = Int(response.status.code)
        // A redirect could lead anywhere, plain http included.
        if (300..<400).contains(status) {
            throw AgentOSAuthError(.invalidKey, "redirect (HTTP \(status)) refused; \(request.setting) must name \(request.name) itself")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: request.maximumBytes)
        } catch is NIOTooManyBytesError {
            throw AgentOSAuthError(.invalidKey, "the document exceeds \(request.maximumBytes) bytes")
        }
        let cacheControl = response.headers["Cache-Control"]
        return FetchedDocument(
            status: status,
            data: Data(body.readableBytesView),
            maxAge: FetchedDocument.maxAge(cacheControl: cacheControl.isEmpty ? nil : cacheControl.joined(separator: ","))
        )
    }
}
