public import Foundation

/// Paths of the PostgreSQL server programs the embedded launcher needs.
public struct PostgresBinaries: Sendable, Equatable {
    public var initdb: String
    public var pgCtl: String

    /// The one line printed when no PostgreSQL server is installed.
    public static let missingMessage =
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin: "
        + "install them (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL "
        + "(or POSTGRES_HOSTNAME/POSTGRES_USER/POSTGRES_DB) to use an existing server"

    /// Finds the binaries on `PATH`, then under the newest `/usr/lib/postgresql/<version>/bin`.
    public static func locate(
        path: String? = ProcessInfo.processInfo.environment["PATH"],
        libRoot: String = "/usr/lib/postgresql"
    ) throws -> PostgresBinaries {
        let fm = FileManager.default
        var directories = (path ?? "").split(separator: ":").map(String.init)
        let versions = ((try? fm.contentsOfDirectory(atPath: libRoot)) ?? [])
            .compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
        directories += versions.map { "\(libRoot)/\($0.0)/bin" }
        for directory in directories {
            let initdb = directory + "/initdb"
            let pgCtl = directory + "/pg_ctl"
            guard fm.isExecutableFile(atPath: initdb), fm.isExecutableFile(atPath: pgCtl) else { continue }
            return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
        }
        throw EmbeddedPostgresError(message: missingMessage)
    }
}
