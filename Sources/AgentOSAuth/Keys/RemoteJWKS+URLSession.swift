public import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension RemoteJWKS {
    /// Whether `url` may serve keys: `https`, or `http` to a loopback host (`localhost`,
    /// `127.0.0.0/8`, `::1`). Over plain http to any other host, whoever sits on the path could
    /// serve their own key.
    public static func isAllowedURL(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host?.isEmpty == false
        case "http": return url.host.map(isLoopback) ?? false
        default: return false
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Fetches with `URLSession`: refuses URLs that are not ``isAllowedURL(_:)``, follows no
    /// redirect (a 3xx is a failed fetch), stops reading past ``maximumDocumentBytes``, gives up
    /// after 5 s, and reads `max-age` from `Cache-Control`.
    public static let urlSessionFetcher: Fetcher = boundedFetcher(
        limit: maximumDocumentBytes,
        accept: "application/json",
        setting: "JWT_JWKS_URL"
    )

    /// A `URLSession` fetcher with the rules of ``urlSessionFetcher`` and another size limit and
    /// `Accept` header (the status-list fetcher uses it); `setting` names the variable in messages.
    public static func boundedFetcher(limit: Int, accept: String, setting: String) -> Fetcher {
        boundedFetcher(limit: limit, accept: accept, setting: setting, deadline: .seconds(10))
    }

    /// As above, with a hard `deadline` of the verifier's own: FoundationNetworking's timeout was
    /// seen never to fire on Linux, leaving a request unanswered for ever (docs/testing.md), and a
    /// fetch that never ends would hold back every later refresh.
    static func boundedFetcher(limit: Int, accept: String, setting: String, deadline: Duration) -> Fetcher {
        { url in try await fetch(url, limit: limit, accept: accept, setting: setting, deadline: deadline) }
    }

    private static func fetch(_ url: URL, limit: Int, accept: String, setting: String, deadline: Duration) async throws -> Response {
        guard isAllowedURL(url) else {
            throw AgentOSAuthError(.invalidKey, "\(setting) must be https (plain http only to a loopback host)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 5)
        request.setValue(accept, forHTTPHeaderField: "Accept")
        request.httpShouldHandleCookies = false
        let download = BoundedDownload(limit: limit, setting: setting)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = 5
        configuration.timeoutIntervalForResource = 5
        // The session keeps its delegate alive until it is invalidated, when the task completes.
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        let (response, data) = try await download.run(session.dataTask(with: request), deadline: deadline)
        return Response(status: response.statusCode, data: data, maxAge: maxAge(response.value(forHTTPHeaderField: "Cache-Control")))
    }
}

/// A data task that refuses redirects and stops at a size limit.
private final class BoundedDownload: NSObject, URLSessionDataDelegate, Sendable {
    struct State {
        var data = Data()
        var response: HTTPURLResponse?
        var failure: AgentOSAuthError?
        var continuation: CheckedContinuation<(HTTPURLResponse, Data), any Error>?
    }

    let limit: Int
    let setting: String
    private let state = Mutex(State())

    init(limit: Int, setting: String) {
        self.limit = limit
        self.setting = setting
    }

    func run(_ task: URLSessionDataTask, deadline: Duration) async throws -> (HTTPURLResponse, Data) {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { $0.continuation = continuation }
            task.resume()
            Task { [self] in
                try? await Task.sleep(for: deadline)
                expire(task, after: deadline)
            }
        }
    }

    /// Fails a fetch still unanswered at its deadline (whichever of this and the delegate's
    /// completion comes first takes the continuation; the other finds none).
    private func expire(_ task: URLSessionDataTask, after deadline: Duration) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        guard let continuation else { return }
        task.cancel()
        continuation.resume(throwing: AgentOSAuthError(.invalidKey, "\(setting): no answer within \(deadline.components.seconds) s"))
    }

    /// Records why the fetch failed; the first reason wins.
    private func fail(_ message: String) {
        state.withLock { $0.failure = $0.failure ?? AgentOSAuthError(.invalidKey, message) }
    }

    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        // A redirect could lead anywhere, plain http included: it is a failed fetch. Declining it
        // completes the task with the 3xx response (cancelling here crashes FoundationNetworking).
        let document = setting == "JWT_JWKS_URL" ? "the JWKS" : "the document"
        fail("redirect (HTTP \(response.statusCode)) refused; \(setting) must name \(document) itself")
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        if response.expectedContentLength > Int64(limit) {
            fail("the document exceeds \(limit) bytes")
            completionHandler(.cancel)
            return
        }
        state.withLock { $0.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = state.withLock { state in
            state.data.append(data)
            return state.data.count > limit
        }
        if tooLarge {
            fail("the document exceeds \(limit) bytes")
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        session.finishTasksAndInvalidate()
        let (continuation, result): (CheckedContinuation<(HTTPURLResponse, Data), any Error>?, Result<(HTTPURLResponse, Data), any Error>) =
            state.withLock { state in
                defer { state.continuation = nil }
                if let failure = state.failure { return (state.continuation, .failure(failure)) }
                if let error { return (state.continuation, .failure(error)) }
                guard let response = state.response ?? task.response as? HTTPURLResponse else {
                    return (state.continuation, .failure(AgentOSAuthError(.invalidKey, "no HTTP response")))
                }
                return (state.continuation, .success((response, state.data)))
            }
        continuation?.resume(with: result)
    }
}
