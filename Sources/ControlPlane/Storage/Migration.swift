import Crypto
public import Foundation

/// One SQL file of `Migrations/`, applied once, in order.
public struct Migration: Sendable, Equatable {
    /// File name, e.g. `0001_initial.sql`; its numeric prefix orders the files.
    public var name: String
    public var sql: String
    /// Hex SHA-256 of the file's bytes.
    public var checksum: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Loads every `NNNN_*.sql` file of `directory`, sorted by name.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        return try names.filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }.sorted().map { name in
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return Migration(name: name, sql: sql)
        }
    }

    /// Finds `Migrations/`: `CONTROL_PLANE_MIGRATIONS_DIR`, then the working directory, then
    /// beside the executable (`/usr/share/controlplane/migrations` style installs), then the
    /// source checkout this binary was built from.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceFile: String = #filePath
    ) -> URL {
        if let configured = environment["CONTROL_PLANE_MIGRATIONS_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let fm = FileManager.default
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Migrations")]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("../share/controlplane/migrations"))
        // Sources/ControlPlane/Storage/Migration.swift → repository root.
        let root = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent("Migrations"))
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("0001_initial.sql").path) }
            ?? candidates[0]
    }
}

/// Why migrations could not be applied.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case directoryUnreadable(String)
    case checksumMismatch(file: String)
    case unknownApplied(file: String)
    case failed(file: String, reason: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path):
            "cannot read migrations directory \(path) (set CONTROL_PLANE_MIGRATIONS_DIR)"
        case .checksumMismatch(let file):
            "migration \(file) was edited after it was applied (checksum differs); restore it and add a new migration instead"
        case .unknownApplied(let file):
            "the database has migration \(file) applied, which this build does not have; run a newer controlplane"
        case .failed(let file, let reason):
            "migration \(file) failed: \(reason)"
        }
    }
}
