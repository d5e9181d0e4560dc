public import Foundation
import Synchronization

/// Token Status Lists (draft-ietf-oauth-status-list) fetched from one trusted origin
/// (`JWT_STATUS_LIST_ORIGIN`), cached per list URI.
///
/// * Only URIs under ``origin`` are fetched; a token pointing anywhere else is refused.
/// * A list is cached for its `ttl` (the ``policy``'s default lifetime without one; at most 24 h
///   and half of the maximum staleness), then refetched — at most once per refetch interval per
///   list; requests arriving while a fetch runs wait for it rather than start another.
/// * A list is verified with its own keys, fetched with it from `<list URI>/jwks.json` under the
///   same rules — never with the access-token keys, which must not sign any other kind of JWT
///   (RFC 8725 §3.12; docs/security.md, "Every JWT kind has its own typ and key").
/// * A failed fetch (network error, any status but 200, a redirect, a body over
///   ``maximumDocumentBytes``, a list that does not verify) keeps the last good list until it is
///   older than the maximum staleness or past its own `exp`; then tokens pointing at it are refused
///   with 401 `Invalid token: token status unavailable`.
public final class StatusListChecker: Sendable {
    /// A verified, decompressed Status List.
    public struct List: Sendable, Equatable {
        /// Bits per status: 1, 2, 4 or 8.
        public var bits: Int
        /// The decompressed list.
        public var bytes: [UInt8]
        /// The list's `ttl`, if it has one.
        public var ttl: TimeInterval?
        /// The list's `exp`, if it has one.
        public var expiresAt: Date?
        /// The list's `iat`: its age counts from then, and a list issued before the one held is
        /// not used.
        public var issuedAt: Date?

        /// A list.
        public init(bits: Int, bytes: [UInt8], ttl: TimeInterval?, expiresAt: Date?, issuedAt: Date? = nil) {
            self.bits = bits
            self.bytes = bytes
            self.ttl = ttl
            self.expiresAt = expiresAt
            self.issuedAt = issuedAt
        }

        /// This list with every status that is not VALID in `other` set too (the verifier refuses
        /// any status but 0x00, so a bitwise OR keeps exactly what either list refuses).
        func refusingAlso(_ other: List) -> List {
            guard other.bits == bits else { return self }  // not one list in two copies: keep what was seen
            var merged = self
            if other.bytes.count > merged.bytes.count {
                merged.bytes += [UInt8](repeating: 0, count: other.bytes.count - merged.bytes.count)
            }
            for (index, byte) in other.bytes.enumerated() { merged.bytes[index] |= byte }
            merged.ttl = other.ttl
            merged.expiresAt = other.expiresAt
            return merged
        }

        /// How many statuses the list holds.
        public var count: Int { bytes.count * 8 / bits }

        /// The status at `index` (draft §4.1: least significant bits first), or `nil` past the end.
        public func status(at index: Int) -> UInt8? {
            guard index >= 0, index < count else { return nil }
            let bit = index * bits
            let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
            return (bytes[bit / 8] >> UInt8(bit % 8)) & mask
        }
    }

    /// Verifies a fetched Status List Token for a URI and returns its list.
    typealias Loader = @Sendable (Data, String) async throws(AgentOSAuthError) -> List

    /// The largest Status List Token accepted (256 KiB).
    public static let maximumDocumentBytes = 262_144
    /// The largest decompressed list accepted (16 MiB: 134 million 1-bit statuses).
    public static let maximumListBytes = 16_777_216
    /// Lists cached at once; the one fetched longest ago is dropped past this.
    public static let maximumLists = 64

    /// `scheme://host[:port]` every list URI must start with (followed by `/`).
    public let origin: String
    /// How often each list is fetched and how long it is used (`JWT_STATUS_LIST_REFETCH_INTERVAL`,
    /// `JWT_STATUS_LIST_MAX_STALENESS`).
    public let policy: RemoteDocumentPolicy
    let fetcher: DocumentFetcher
    let onEvent: AuthEventHandler
    private let lists = Mutex<[String: CachedRemoteDocument<List>]>([:])

    /// A checker for lists under `origin`.
    ///
    /// - Parameters:
    ///   - origin: `scheme://host[:port]` as ``AgentOSAuthConfiguration/origin(_:)`` reads it
    ///     (a trailing `/` is dropped).
    ///   - policy: the refetch interval, the lifetime without `ttl` and the maximum staleness of
    ///     each list.
    ///   - fetcher: fetches lists (at most ``maximumDocumentBytes``) and their key sets
    ///     (`<uri>/jwks.json`, at most ``RemoteJWKS/maximumDocumentBytes``) with the rules of
    ///     ``DocumentRequest``; `AgentOSAuthHTTPClient` has one.
    /// - Throws: ``AgentOSAuthError/Code/invalidConfiguration`` when `origin` is not one: a path,
    ///   a query or plain http to a host that is not loopback would leave every list untrusted or
    ///   unfetchable, so the checker would refuse every token that carries a status.
    public init(
        origin: String,
        policy: RemoteDocumentPolicy = .statusLists,
        fetcher: @escaping DocumentFetcher,
        onEvent: @escaping AuthEventHandler = AuthEvent.standardError
    ) throws(AgentOSAuthError) {
        guard let origin = AgentOSAuthConfiguration.origin(origin) else {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "a status-list origin must be scheme://host[:port], https (plain http only to a loopback host), no path: \(origin)"
            )
        }
        self.origin = origin
        self.policy = policy
        self.fetcher = fetcher
        self.onEvent = onEvent
    }

    /// Whether tokens may point at `uri`: it lies under ``origin``.
    public func trusts(_ uri: String) -> Bool {
        uri.hasPrefix(origin + "/") && URL(string: uri) != nil
    }

    /// The status at `index` of the list at `uri` (a trusted URI), fetching or refetching it when due.
    func status(index: Int, uri: String, at date: Date, load: @escaping Loader) async throws(AgentOSAuthError) -> UInt8 {
        let list = try await document(uri).value(at: date) { response in
            guard response.status == 200 else { throw AgentOSAuthError(.statusUnavailable, "HTTP status \(response.status)") }
            let list = try await load(response.data, uri)
            return .init(value: list, lifetime: list.ttl, expiresAt: list.expiresAt, issuedAt: list.issuedAt) { held in
                // Two lists of one second: a status refused by either stays refused, so a copy
                // served late never undoes a revocation the OS has seen.
                held.refusingAlso(list)
            }
        }
        guard let list else { throw AgentOSAuthError(.statusUnavailable, "Invalid token: token status unavailable") }
        guard let status = list.status(at: index) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: status list index out of range")
        }
        return status
    }

    /// The cache of the list at `uri`, made on first use.
    private func document(_ uri: String) throws(AgentOSAuthError) -> CachedRemoteDocument<List> {
        guard let url = URL(string: uri) else { throw AgentOSAuthError(.statusUnavailable, "status list: bad URI") }
        return lists.withLock { lists in
            if let known = lists[uri] { return known }
            if lists.count >= Self.maximumLists, let oldest = lists.min(by: { $0.value.lastAttempt < $1.value.lastAttempt })?.key {
                lists[oldest] = nil
            }
            let document = CachedRemoteDocument<List>(
                request: DocumentRequest(
                    url: url,
                    accept: "application/statuslist+jwt",
                    maximumBytes: Self.maximumDocumentBytes,
                    setting: "JWT_STATUS_LIST_ORIGIN",
                    name: "the status list"
                ),
                fetcher: fetcher,
                policy: policy,
                reports: .init(
                    fetchFailed: { [onEvent] message, _ in
                        onEvent(
                            AuthEvent(.warning, "fetching the status list \(uri) failed: \(message); keeping the last good list, if any")
                        )
                    },
                    unavailable: { [onEvent, policy] _ in
                        onEvent(
                            AuthEvent(
                                .error,
                                "no usable status list from \(uri) (JWT_STATUS_LIST_MAX_STALENESS \(Int(policy.maxStaleness)) s): "
                                    + "refusing the tokens that point at it until a fetch succeeds"
                            )
                        )
                    }
                )
            )
            lists[uri] = document
            return document
        }
    }

    /// The keys that sign the list at `uri` (a trusted URI): the JWKS at `<uri>/jwks.json`,
    /// fetched with each list.
    func keys(for uri: String) async throws(AgentOSAuthError) -> KeySet {
        guard let url = URL(string: uri + "/jwks.json") else { throw AgentOSAuthError(.statusUnavailable, "status list: bad URI") }
        let request = DocumentRequest(
            url: url,
            accept: "application/jwk-set+json",
            maximumBytes: RemoteJWKS.maximumDocumentBytes,
            setting: "JWT_STATUS_LIST_ORIGIN",
            name: "the status list's key set"
        )
        let response: FetchedDocument
        do {
            response = try await fetcher(request)
        } catch {
            throw AgentOSAuthError(.statusUnavailable, "status list keys: \((error as? AgentOSAuthError)?.message ?? "\(error)")")
        }
        guard response.status == 200, response.data.count <= RemoteJWKS.maximumDocumentBytes else {
            throw AgentOSAuthError(.statusUnavailable, "status list keys: HTTP status \(response.status)")
        }
        do {
            let parsed = try KeySet.parseJWKS(response.data)
            return KeySet(staticKeys: [], jwksKeys: parsed.keys, jwksDefault: parsed.defaultKey)
        } catch {
            throw AgentOSAuthError(.statusUnavailable, "status list keys: \((error as? AgentOSAuthError)?.message ?? "\(error)")")
        }
    }
}
