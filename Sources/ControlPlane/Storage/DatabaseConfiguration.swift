public import Foundation
public import PostgresNIO

/// Where the control plane's PostgreSQL is: an embedded cluster, or an existing server.
public enum DatabaseConfiguration: Sendable {
    /// A private cluster under the data directory (the default).
    case embedded(dataDirectory: URL)
    /// An existing server from `DATABASE_URL` or the `POSTGRES_*` variables.
    case external(PostgresClient.Configuration, description: String)

    /// Reads `DATABASE_URL`, else `POSTGRES_HOSTNAME`/`PORT`/`USER`/`PASSWORD`/`DB`/`SOCKET`,
    /// else falls back to the embedded cluster in `dataDirectory`.
    public static func from(environment: [String: String], dataDirectory: URL) throws -> DatabaseConfiguration {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return try fromURL(url)
        }
        let host = environment["POSTGRES_HOSTNAME"] ?? environment["POSTGRES_HOST"]
        let socket = environment["POSTGRES_SOCKET"]
        guard host != nil || socket != nil || environment["POSTGRES_USER"] != nil || environment["POSTGRES_DB"] != nil
        else {
            return .embedded(dataDirectory: dataDirectory)
        }
        let user = environment["POSTGRES_USER"] ?? "postgres"
        let password = environment["POSTGRES_PASSWORD"]
        let database = environment["POSTGRES_DB"] ?? user
        var configuration: PostgresClient.Configuration
        let described: String
        if let socket, !socket.isEmpty {
            configuration = .init(unixSocketPath: socket, username: user, password: password, database: database)
            described = "\(user)@\(socket)/\(database)"
        } else {
            let hostname = host ?? "localhost"
            guard let port = Int(environment["POSTGRES_PORT"] ?? "5432"), (1...65535).contains(port) else {
                throw DatabaseConfigurationError("POSTGRES_PORT must be a port number (1-65535)")
            }
            let tls = try tlsMode(environment["POSTGRES_TLS"] ?? "prefer")
            configuration = .init(host: hostname, port: port, username: user, password: password, database: database, tls: tls)
            described = "\(user)@\(hostname):\(port)/\(database)"
        }
        configuration.options.connectTimeout = .seconds(5)
        return .external(configuration, description: described)
    }

    /// Parses `postgres://user:pass@host:port/db?sslmode=disable|prefer|require`.
    static func fromURL(_ string: String) throws -> DatabaseConfiguration {
        // Never echo the URL: it may hold a password.
        guard let components = URLComponents(string: string), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw DatabaseConfigurationError("DATABASE_URL is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw DatabaseConfigurationError("DATABASE_URL has no host")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseConfigurationError("DATABASE_URL has an invalid port") }
        let user = components.user?.removingPercentEncoding ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = user }
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: try tlsMode(sslmode)
        )
        configuration.options.connectTimeout = .seconds(5)
        return .external(configuration, description: "\(user)@\(host):\(port)/\(database)")
    }

    static func tlsMode(_ mode: String) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case "disable": return .disable
        case "allow", "prefer": return .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": return .require(.makeClientConfiguration())
        default: throw DatabaseConfigurationError("sslmode must be disable, prefer or require (got \(mode))")
        }
    }
}

/// The database settings cannot be used; the message never contains a password.
public struct DatabaseConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
