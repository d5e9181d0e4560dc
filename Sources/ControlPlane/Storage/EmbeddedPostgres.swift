import Crypto
public import Foundation
public import Logging
public import PostgresNIO
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private PostgreSQL cluster under a data directory, reached only through a Unix socket.
///
/// Used by `controlplane serve` when no external database is configured, and by the test
/// harness. PostgreSQL refuses to run as root, so as root the binaries run as `postgres`.
public struct EmbeddedPostgres: Sendable {
    /// The PostgreSQL role and database the control plane uses inside the cluster.
    public static let user = "controlplane"
    public static let database = "controlplane"
    static let port = 5432

    /// Root directory: `pgdata/` holds the cluster, `postgres.log` its log.
    public let dataDirectory: URL
    /// `fsync=off`: only for throwaway clusters (tests).
    public let fsync: Bool
    public let maxConnections: Int
    public let binaries: PostgresBinaries

    public var clusterDirectory: URL { dataDirectory.appendingPathComponent("pgdata") }
    public var logFile: URL { dataDirectory.appendingPathComponent("postgres.log") }

    /// Where the socket lives: inside the data directory when the path fits the ~107-byte
    /// `sun_path` limit, else a short per-data-directory folder under `/tmp`.
    public var socketDirectory: String {
        let inside = dataDirectory.appendingPathComponent("run").path
        if (inside + "/.s.PGSQL.\(Self.port)").utf8.count <= 100 { return inside }
        let digest = SHA256.hash(data: Data(dataDirectory.standardizedFileURL.path.utf8))
        let short = digest.prefix(6).map { String(format: "%02x", $0) }.joined()
        return "/tmp/controlplane-pg-\(short)"
    }

    public var socketPath: String { socketDirectory + "/.s.PGSQL.\(Self.port)" }

    /// - Parameter maxConnections: PostgreSQL's `max_connections`; the test suite raises it, since
    ///   every test runs its own connection pool at once.
    public init(dataDirectory: URL, fsync: Bool = true, maxConnections: Int = 200, binaries: PostgresBinaries? = nil) throws {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.fsync = fsync
        self.maxConnections = maxConnections
        self.binaries = try binaries ?? PostgresBinaries.locate()
    }

    /// The client configuration for this cluster (Unix socket, trust auth).
    public func clientConfiguration(database: String = EmbeddedPostgres.database) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socketPath,
            username: Self.user,
            password: nil,
            database: database
        )
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Initialises the cluster on first use, clears a stale lock file, and starts the server.
    public func start(logger: Logger) async throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        // Others may traverse (the postgres user must reach pgdata when we are root), not list.
        chmod(dataDirectory.path, Self.runningAsRoot ? 0o711 : 0o700)
        try prepareSocketDirectory()

        if !fm.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) {
            try? fm.removeItem(at: clusterDirectory)
            try fm.createDirectory(at: clusterDirectory, withIntermediateDirectories: true)
            chmod(clusterDirectory.path, 0o700)
            try ensureOwned(clusterDirectory.path)
            logger.info("initialising embedded PostgreSQL", metadata: ["pg.data": "\(clusterDirectory.path)"])
            var arguments = [
                "-D", clusterDirectory.path, "-U", Self.user, "--auth=trust", "-E", "UTF8", "--locale=C",
            ]
            if !fsync { arguments.append("--no-sync") }
            try await runPostgresTool(binaries.initdb, arguments, what: "initdb")
        }
        try await startServer(logger: logger)
    }

    /// Stops the server (fast shutdown: active sessions are disconnected).
    public func stop() async throws {
        guard isRunning else { return }
        try await runPostgresTool(
            binaries.pgCtl,
            ["-D", clusterDirectory.path, "-m", "fast", "-w", "-t", "30", "stop"],
            what: "pg_ctl stop"
        )
    }

    /// Whether a live postmaster owns the cluster.
    public var isRunning: Bool {
        guard let pid = postmasterPID else { return false }
        return kill(pid, 0) == 0 && Self.isPostgresProcess(pid)
    }

    /// The PID recorded in `postmaster.pid`, if the file exists.
    public var postmasterPID: Int32? {
        let pidFile = clusterDirectory.appendingPathComponent("postmaster.pid").path
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = Int32(first.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return pid
    }

    private func startServer(logger: Logger) async throws {
        let pidFile = clusterDirectory.appendingPathComponent("postmaster.pid").path
        if let pid = postmasterPID {
            if kill(pid, 0) == 0 && Self.isPostgresProcess(pid) {
                // A postmaster left behind by a killed control plane: restart it cleanly.
                logger.warning("stopping a PostgreSQL left running by an earlier run", metadata: ["pg.pid": "\(pid)"])
                try await stop()
            } else {
                logger.warning("removing stale postmaster.pid", metadata: ["pg.pid": "\(pid)"])
                unlink(pidFile)
            }
        }
        try writeSettings()
        let arguments = [
            "-D", clusterDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start",
        ]
        // The server log can carry query text and connection details: owner-only, from creation.
        let log = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard log >= 0 else { throw EmbeddedPostgresError(message: "cannot open \(logFile.path): \(String(cString: strerror(errno)))") }
        fchmod(log, 0o600)
        close(log)
        try ensureOwned(logFile.path)
        do {
            try await runPostgresTool(binaries.pgCtl, arguments, what: "pg_ctl start")
        } catch {
            let tail =
                (try? String(contentsOf: logFile, encoding: .utf8))?.split(separator: "\n").suffix(5)
                .joined(separator: "\n") ?? ""
            throw EmbeddedPostgresError(message: "\(error)\n\(tail)")
        }
        logger.info("embedded PostgreSQL running", metadata: ["pg.socket": "\(socketPath)"])
    }

    /// Settings that must hold on every start: socket only, private socket directory.
    private func writeSettings() throws {
        let confPath = clusterDirectory.appendingPathComponent("postgresql.conf").path
        let includeLine = "include_if_exists = 'controlplane.conf'"
        let current = (try? String(contentsOfFile: confPath, encoding: .utf8)) ?? ""
        if !current.contains(includeLine) {
            try (current + "\n" + includeLine + "\n").write(toFile: confPath, atomically: false, encoding: .utf8)
        }
        let settings = """
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700
            fsync = \(fsync ? "on" : "off")
            synchronous_commit = \(fsync ? "on" : "off")
            full_page_writes = \(fsync ? "on" : "off")
            max_connections = \(maxConnections)

            """
        let settingsPath = clusterDirectory.appendingPathComponent("controlplane.conf").path
        try settings.write(toFile: settingsPath, atomically: false, encoding: .utf8)
        try ensureOwned(settingsPath)
    }

    /// Runs `tool` (as `postgres` when we are root) and waits for it without holding a thread; its
    /// output (stdout and stderr) is the error's message. The child gets no descriptor of ours but
    /// the standard three: pg_ctl's postmaster would otherwise keep our sockets open for its lifetime.
    private func runPostgresTool(_ tool: String, _ arguments: [String], what: String) async throws {
        let executable: Executable = Self.runningAsRoot ? .name("runuser") : .path(FilePath(tool))
        let result = try await Subprocess.run(
            executable,
            arguments: Arguments(Self.runningAsRoot ? ["-u", "postgres", "--", tool] + arguments : arguments),
            output: .string(limit: 1 << 20),
            error: .combinedWithOutput
        )
        let status: Int32 =
            switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        guard status == 0 else {
            let output = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            throw EmbeddedPostgresError(message: "\(what) failed (exit \(status)): \(output)")
        }
    }

    /// The socket directory: created with 0700, or — when it exists (e.g. the shared
    /// `/tmp/controlplane-pg-<hash>`) — reused only if it is a real directory owned by the user the
    /// server runs as with mode 0700. Another local user who made it first could otherwise watch
    /// or impersonate the socket of a cluster that trusts every local connection.
    private func prepareSocketDirectory() throws {
        if mkdir(socketDirectory, 0o700) == 0 {
            chmod(socketDirectory, 0o700)  // the umask may have narrowed it further, never widened
            try ensureOwned(socketDirectory)
            return
        }
        guard errno == EEXIST else {
            throw EmbeddedPostgresError(message: "cannot create \(socketDirectory): \(String(cString: strerror(errno)))")
        }
        guard let info = FileStatus(socketDirectory, followingLinks: false) else {
            throw EmbeddedPostgresError(message: "cannot inspect \(socketDirectory): \(String(cString: strerror(errno)))")
        }
        let owner = Self.runningAsRoot ? getpwnam("postgres")?.pointee.pw_uid : geteuid()
        let isDirectory = info.mode & S_IFMT == S_IFDIR
        guard isDirectory, info.owner == owner, info.mode & 0o777 == 0o700 else {
            throw EmbeddedPostgresError(
                message:
                    "refusing to use the socket directory \(socketDirectory): it must be a directory owned by uid \(owner.map(String.init) ?? "?") "
                    + "with mode 0700 (it is \(isDirectory ? "a directory" : "not a directory") of uid \(info.owner), mode \(String(info.mode & 0o777, radix: 8))); remove it"
            )
        }
    }

    private func ensureOwned(_ path: String) throws {
        guard Self.runningAsRoot else { return }
        guard let account = getpwnam("postgres") else {
            throw EmbeddedPostgresError(
                message: "running as root needs a 'postgres' system user to run PostgreSQL (install the postgresql package)"
            )
        }
        if chown(path, account.pointee.pw_uid, account.pointee.pw_gid) != 0 {
            throw EmbeddedPostgresError(message: "cannot chown \(path) to postgres: \(String(cString: strerror(errno)))")
        }
    }

    static var runningAsRoot: Bool { geteuid() == 0 }

    static func isPostgresProcess(_ pid: pid_t) -> Bool {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else {
            return true  // no /proc: trust kill(pid, 0)
        }
        return comm.hasPrefix("postgres") || comm.hasPrefix("postmaster")
    }
}

/// Starting or stopping the embedded cluster failed.
public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
