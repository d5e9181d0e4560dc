import AgentOSAuth
import CompressNIO
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Token Status Lists (draft-ietf-oauth-status-list, JWT form), one per OS: the index and record
/// of every issued token, the signed list an OS fetches, and revocation (`docs/access.md`,
/// "What revocation means"; the scheme in `docs/decisions.md`).
public struct StatusLists: Sendable {
    let client: PostgresClient
    let store: StatusListStore
    let members: MemberStore
    let allocator: StatusIndexAllocator
    /// Where issued tokens' records (and audit events) are group-committed.
    let ledger: IssuanceLedger
    let cache: StatusListCache
    let keys: SigningKeys
    /// The lists' own signing keys (never the access-token keys).
    let listKeys: StatusListKeys
    let settings: ControlPlaneSettings
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// Indices leased per process and OS at a time.
    static let blockSize: Int32 = 1024
    /// How long a process hands out indices from one block.
    static let leaseWindow: TimeInterval = 600
    /// Margin before a block's indices are reused, past the longest token: covers clock skew
    /// between replicas and lists an OS still holds (its cache and `JWT_STATUS_LIST_MAX_STALENESS`,
    /// which must stay below this).
    static let reuseGrace: TimeInterval = 3600
    /// The longest a signed list is served again: a verifier counts a list's age from its `iat`
    /// (docs/agno-compatibility.md), so a list reused for a long `ttl` would reach an OS already
    /// past its `JWT_STATUS_LIST_MAX_STALENESS` and be refused while all is well.
    static let resignAfter: TimeInterval = 10

    init(
        client: PostgresClient,
        members: MemberStore,
        keys: SigningKeys,
        settings: ControlPlaneSettings,
        audit: AuditTrail,
        logger: Logger,
        now: @escaping WallClock
    ) {
        let store = StatusListStore(client: client, logger: logger)
        self.client = client
        self.store = store
        self.members = members
        self.allocator = StatusIndexAllocator(
            store: store,
            blockSize: Self.blockSize,
            leaseWindow: Self.leaseWindow,
            reuseDelay: settings.maxTokenLifetime + Self.reuseGrace,
            now: now
        )
        self.ledger = IssuanceLedger(client: client, store: store, trail: audit, logger: logger, now: now)
        self.cache = StatusListCache()
        self.keys = keys
        self.listKeys = StatusListKeys(
            store: StatusListKeyStore(client: client, logger: logger),
            client: client,
            masterKeys: keys.masterKeys,
            signers: SignerCache(),
            logger: logger,
            now: now
        )
        self.settings = settings
        self.audit = audit
        self.logger = logger
        self.now = now
    }

    /// Whether issued tokens carry a `status` claim (`CONTROL_PLANE_STATUS_LISTS`).
    public var enabled: Bool { settings.statusLists }

    /// The public URI of an OS's list: `sub` of the list, `uri` of its tokens.
    public func uri(org slug: String, os osID: String) -> String {
        var base = settings.issuer
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/v1/orgs/\(slug)/os/\(osID)/status-list"
    }

    /// Reserves an index of the OS's list for a token about to be issued.
    func reserve(os osInternalID: UUID, org slug: String, os osID: String) async throws -> TokenStatusClaim {
        let index = try await allocator.index(os: osInternalID)
        return TokenStatusClaim(index: Int(index), uri: uri(org: slug, os: osID))
    }

    /// Records an issued token and, for a token for someone else, its audit event; returns once
    /// both are committed, in one transaction (``IssuanceLedger``).
    func record(_ claims: AccessTokenClaims, os osInternalID: UUID, generation: Int64, audit: PendingAuditEvent?) async throws {
        let status = claims.status.map {
            StatusListStore.Record(
                os: osInternalID,
                index: Int32($0.status_list.idx),
                jti: claims.jti,
                subject: claims.sub,
                expiresAt: Int64(claims.exp),
                generation: generation
            )
        }
        try await ledger.record(IssuanceEntry(status: status, audit: audit))
    }

    /// A signed Status List Token and how it may be cached.
    public struct Document: Sendable {
        /// The compact JWS (`typ: statuslist+jwt`).
        public var token: String
        /// A strong ETag of `token`.
        public var etag: String
        /// The list's `ttl`: `Cache-Control: max-age`.
        public var ttl: Int
    }

    /// The current Status List Token of an OS (public), signed with the OS's status-list key; the
    /// public-key routes' one 404 for an OS that publishes no key.
    /// Pending records are flushed first, so every token already handed out is in it. A token
    /// signed for the same content within ``resignAfter`` (or `ttl`, if shorter) is served again,
    /// so a flood of requests costs no signature each and conditional requests see a stable ETag.
    public func document(org slug: String, os osID: String) async throws -> Document {
        let os = try await keys.publishingOS(org: slug, id: osID)
        let signer = try await listKeys.signer(os: os.internalID)
        try await ledger.flush()
        let at = now()
        let (size, revoked) = try await store.snapshot(os: os.internalID, at: at)
        let bytes = Self.bits(size: size, set: revoked)
        let ttl = Int(settings.statusListTTL)
        let digest = Data(SHA256.hash(data: bytes + Array(signer.kid.utf8)))
        if let cached = await cache.document(os: os.internalID, digest: digest, at: at) { return cached }
        let iat = Int(at.timeIntervalSince1970)
        let claims = StatusListTokenClaims(
            sub: uri(org: slug, os: osID),
            iat: iat,
            exp: iat + Int(settings.statusListLifetime),
            ttl: ttl,
            status_list: .init(bits: 1, lst: try Self.compress(bytes))
        )
        let token = try signer.sign(claims)
        let etag = "\"" + SHA256.hash(data: Data(token.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        let document = Document(token: token, etag: etag, ttl: ttl)
        await cache.store(
            document,
            os: os.internalID,
            digest: digest,
            until: at.addingTimeInterval(min(TimeInterval(ttl), Self.resignAfter))
        )
        return document
    }

    /// The JWKS of the OS's status-list key (public): what verifiers check lists with. Holds that
    /// one key only; the access-token JWKS never holds it.
    public func keySet(org slug: String, os osID: String) async throws -> [[String: String]] {
        // An OS that publishes no key answers like an unknown one (and no stranger's GET makes a key).
        let os = try await keys.publishingOS(org: slug, id: osID)
        return [try await listKeys.publicJWK(os: os.internalID)]
    }

    /// Re-seals every status-list key under the current KEK (`controlplane keys rewrap`).
    public func rewrapKeys() async throws -> Int { try await listKeys.rewrapAll() }

    /// The 1-bit list of `size` statuses with the `set` indices INVALID (0x01): status `i` is bit
    /// `i % 8` (least significant first) of byte `i / 8` (draft §4.1).
    static func bits(size: Int, set indices: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(1, (size + 7) / 8))
        for index in indices where index >= 0 && index / 8 < bytes.count {
            bytes[index / 8] |= UInt8(1) << UInt8(index % 8)
        }
        return bytes
    }

    /// ZLIB (RFC 1950), then base64url without padding: the list's `lst`.
    static func compress(_ bytes: [UInt8]) throws -> String {
        var buffer = ByteBuffer(bytes: bytes)
        let compressed = try buffer.compress(with: .zlib())
        return Base64URL.encode(compressed.readableBytesView)
    }
}
