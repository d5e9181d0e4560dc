import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// nginx (Debian's package) as the reverse proxy in front of control-plane replicas: its own
/// `-c` configuration and `-p` prefix in a private temporary directory, listening on 127.0.0.1
/// only, for as long as a closure runs (``ChildProcess``). A missing nginx is a test failure
/// saying what to install.
struct NginxProxy: Sendable {
    let child: ChildProcess
    let port: Int

    static var executable: String {
        get throws {
            for candidate in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
            where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw ChildProcess.Failure(
                message: "nginx not found: install it (apt-get install -y nginx-light); the replica fault test needs it"
            )
        }
    }

    /// Runs nginx balancing over `upstreams` (ports on 127.0.0.1) while `body` runs, from when it answers.
    /// The answer names the replica that served it (`X-Upstream`). A connection refused by a
    /// dead replica is retried on the other (nginx's default `proxy_next_upstream error
    /// timeout`, which re-sends a POST only when nothing reached the dead replica).
    static func withProxy<T: Sendable>(upstreams: [Int], _ body: (NginxProxy) async throws -> T) async throws -> T {
        let nginx = try executable
        let directory = try makeTemporaryDirectory(prefix: "cpn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try freePort()
        let servers = upstreams.map { "server 127.0.0.1:\($0) max_fails=1 fail_timeout=1s;" }.joined(separator: "\n        ")
        let path = directory.path
        let configuration = """
            \(getuid() == 0 ? "user root;" : "")
            worker_processes 1;
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                upstream controlplane {
                    \(servers)
                    keepalive 16;
                }
                server {
                    listen 127.0.0.1:\(port);
                    location / {
                        proxy_pass http://controlplane;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_connect_timeout 1s;
                        proxy_read_timeout 10s;
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }
            """
        try configuration.write(toFile: path + "/nginx.conf", atomically: true, encoding: .utf8)
        let arguments = ["-e", path + "/error.log", "-p", path, "-c", path + "/nginx.conf"]
        return try await ChildProcess.run(nginx, arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"]) { child in
            for _ in 0..<100 {
                if (try? await HTTP.send("GET", "http://127.0.0.1:\(port)/health", timeout: 1)) != nil {
                    return try await body(NginxProxy(child: child, port: port))
                }
                if child.hasExited { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let log = (try? String(contentsOfFile: path + "/error.log", encoding: .utf8)) ?? ""
            throw ChildProcess.Failure(message: "nginx did not start: \(child.output) \(log)")
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A port nothing listens on right now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
