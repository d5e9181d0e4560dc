import ControlPlane
import Foundation
import NIOCore
import NIOPosix

/// What `serve` checks and says on a first run (docs/operations.md, "First run").
extension ServeCommand {
    /// Fails in words when `host:port` cannot be bound, before the database is touched: no
    /// initdb, migration or `admin.key` for a server that could not listen anyway.
    static func checkPortIsFree(host: String, port: Int) async throws {
        guard port != 0 else { return }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port)
                .get()
            try await channel.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ControlPlaneError.invalid(
                "port \(port) on \(host) is in use (another `controlplane serve`?): stop it, or choose another port with --port or CONTROL_PLANE_PORT"
            )
        } catch let error as IOError where error.errnoCode == EACCES {
            throw ControlPlaneError.invalid("not allowed to listen on port \(port) of \(host): choose a port above 1023 with --port")
        } catch {
            throw ControlPlaneError.invalid("cannot listen on \(host):\(port): \(error) (check --host / CONTROL_PLANE_HOST)")
        }
    }

    /// The lines printed once the server listens: where the console is and, while no organisation
    /// exists, the setup link. The link holds a secret: on a terminal it is printed; otherwise
    /// (a service manager, a container log) it is written to `<data dir>/setup-link` (0600) and
    /// only that path is printed.
    static func firstRunLines(baseURL: String, setupCode: String?, dataDirectory: URL, terminal: Bool) throws -> [String] {
        var lines = ["console: \(baseURL)/console"]
        let file = dataDirectory.appendingPathComponent("setup-link")
        // A link of an earlier start is stale (or used): never leave it lying around.
        try? FileManager.default.removeItem(at: file)
        guard let setupCode else { return lines }
        let link = "\(baseURL)/console/setup#\(setupCode)"
        if terminal {
            lines.append("first run: open \(link) to create the organisation and its owner (once, within an hour)")
        } else {
            try? FileManager.default.createDirectory(
                at: dataDirectory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try SecretFile.create(file.path, contents: Data((link + "\n").utf8))
            lines.append("first run: the link that creates the organisation and its owner (once, within an hour) is in \(file.path)")
        }
        return lines
    }
}
