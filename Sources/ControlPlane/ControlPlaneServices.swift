public import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// The composition of the control plane: every service, built once from configuration, each
/// holding only the stores and collaborators it uses (`docs/architecture.md` has the map).
/// There are no use cases here; the HTTP layer hands each route the services it calls.
public struct ControlPlaneServices: Sendable {
    public let organizations: Organizations
    public let osRegistry: OSRegistry
    public let signingKeys: SigningKeys
    /// What verifiers' JWKS fetches say about the keys each OS holds.
    public let jwksFetches: JWKSFetchRecorder
    public let authentication: Authentication
    public let members: Members
    public let invitations: Invitations
    /// The first organisation and owner of a fresh control plane.
    public let setup: Setup
    public let accounts: Accounts
    public let secondFactor: SecondFactor
    public let accessControl: AccessControl
    public let serviceAccounts: ServiceAccounts
    public let tokens: TokenIssuer
    public let statusLists: StatusLists
    public let audit: AuditTrail
    /// Chains the audit events mutations commit; a changing request waits on it.
    public let auditSequencer: AuditSequencer
    /// Names for the ids in an organisation's audit events.
    public let auditNames: AuditNames
    /// The key-rotation scheduler's passes (run by `KeyRotationScheduler` in `serve`).
    public let keyRotation: KeyRotation
    /// The gauges `/metrics` reads from the database.
    public let stats: OperationalStats
    /// The settings the services were built with.
    public let settings: ControlPlaneSettings
    /// Whether the token path's cached rows may be used: moved by the `ChangeFeed` that `serve`
    /// runs; without one, nothing is cached.
    public let cacheEpoch: CacheEpoch
    /// The group commits token issuance waits on (status records, audit events of delegated
    /// tokens): `serve` runs them in its service group, and whatever else issues tokens through
    /// these services must run them too.
    public let backgroundServices: [any Service]

    /// - Parameter now: the clock (inject one in tests).
    public init(
        client: PostgresClient,
        masterKeys: MasterKeys,
        settings: ControlPlaneSettings = .init(),
        logger: Logger,
        now: @escaping WallClock = Date.init
    ) {
        let audit = AuditTrail(store: AuditStore(client: client, logger: logger), masterKeys: masterKeys, logger: logger)
        let organizationStore = OrganizationStore(client: client, logger: logger)
        let osStore = OSStore(client: client, logger: logger)
        let memberStore = MemberStore(client: client, logger: logger)
        let accessStore = AccessStore(client: client, logger: logger)
        let serviceAccountStore = ServiceAccountStore(client: client, logger: logger)
        let signingKeys = SigningKeys(
            client: client,
            store: KeyStore(client: client, logger: logger),
            osStore: osStore,
            masterKeys: masterKeys,
            signers: SignerCache(),
            retirement: settings.maxTokenLifetime + settings.jwksMaxAge,
            audit: audit,
            logger: logger,
            now: now
        )
        let statusLists = StatusLists(
            client: client,
            members: memberStore,
            keys: signingKeys,
            settings: settings,
            audit: audit,
            logger: logger,
            now: now
        )
        self.audit = audit
        self.settings = settings
        let cacheEpoch = CacheEpoch()
        self.cacheEpoch = cacheEpoch
        keyRotation = KeyRotation(
            client: client,
            store: RotationStore(logger: logger),
            keys: signingKeys,
            osStore: osStore,
            audit: audit,
            settings: settings,
            batch: 32,
            logger: logger,
            now: now
        )
        stats = OperationalStats(store: StatsStore(client: client, logger: logger), now: now)
        self.signingKeys = signingKeys
        jwksFetches = JWKSFetchRecorder(store: osStore, logger: logger, now: now)
        self.statusLists = statusLists
        organizations = Organizations(
            client: client,
            store: organizationStore,
            members: memberStore,
            roles: accessStore,
            audit: audit,
            logger: logger,
            now: now
        )
        osRegistry = OSRegistry(
            client: client,
            store: osStore,
            keys: signingKeys,
            audit: audit,
            logger: logger,
            now: now,
            jwksMaxAge: settings.jwksMaxAge,
            publicURL: settings.issuer,
            statusLists: settings.statusLists
        )
        let credentialStore = CredentialStore(client: client, epoch: cacheEpoch, logger: logger)
        // One throttle for sign-in, password changes and second-factor codes: all check a secret.
        let throttle = LoginThrottle(limit: settings.loginAttemptsPerMinute, window: 60)
        let accountStore = AccountStore(client: client, logger: logger)
        let secondFactor = SecondFactor(
            client: client,
            store: MFAStore(client: client, logger: logger),
            accounts: accountStore,
            masterKeys: masterKeys,
            throttle: throttle,
            audit: audit,
            logger: logger,
            now: now
        )
        self.secondFactor = secondFactor
        authentication = Authentication(
            client: client,
            credentials: credentialStore,
            serviceAccounts: serviceAccountStore,
            throttle: throttle,
            secondFactor: secondFactor,
            audit: audit,
            sessionLifetime: settings.sessionLifetime,
            logger: logger,
            now: now
        )
        let invitations = Invitations(
            client: client,
            store: InvitationStore(client: client, logger: logger),
            members: memberStore,
            organizations: organizationStore,
            credentials: credentialStore,
            audit: audit,
            settings: settings,
            logger: logger,
            now: now
        )
        self.invitations = invitations
        setup = Setup(
            client: client,
            store: SetupStore(client: client, logger: logger),
            organizations: organizationStore,
            members: memberStore,
            roles: accessStore,
            credentials: credentialStore,
            audit: audit,
            sessionLifetime: settings.sessionLifetime,
            logger: logger,
            now: now
        )
        members = Members(
            client: client,
            store: memberStore,
            access: accessStore,
            statusLists: statusLists,
            audit: audit,
            invitations: invitations,
            logger: logger,
            now: now
        )
        accounts = Accounts(
            client: client,
            store: accountStore,
            members: memberStore,
            secondFactor: secondFactor,
            throttle: throttle,
            audit: audit,
            settings: settings,
            logger: logger,
            now: now
        )
        accessControl = AccessControl(
            client: client,
            store: accessStore,
            subjects: SubjectDirectory(members: memberStore, serviceAccounts: serviceAccountStore),
            os: osStore,
            keys: signingKeys,
            statusLists: statusLists,
            audit: audit,
            logger: logger,
            now: now
        )
        serviceAccounts = ServiceAccounts(
            client: client,
            store: serviceAccountStore,
            statusLists: statusLists,
            audit: audit,
            logger: logger,
            now: now
        )
        auditNames = AuditNames(members: memberStore, serviceAccounts: serviceAccountStore)
        auditSequencer = AuditSequencer(trail: audit)
        backgroundServices = [statusLists.ledger, auditSequencer.service]
        tokens = TokenIssuer(
            client: client,
            store: IssuanceStore(client: client, epoch: cacheEpoch, logger: logger),
            keys: signingKeys,
            statusLists: statusLists,
            audit: audit,
            settings: settings,
            logger: logger,
            now: now
        )
    }
}
