import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes written to a socket as they are, and everything read back until the peer closes or 5 s
/// pass: for requests no HTTP client library would send (smuggling shapes, hop-by-hop tricks).
enum RawHTTP {
    /// With `halfClose`, the sending side is shut once the request is written (a client that
    /// stops mid-body).
    static func exchange(port: Int, _ request: String, halfClose: Bool = false) async throws -> String {
        // Blocking calls on a thread of their own: on the cooperative pool (2 threads here) they
        // would starve the in-process servers they talk to, and on NIO's shared thread pool the
        // password hashing of the tests running beside them.
        try await onOwnThread {
            let fd = try connected(port: port)
            defer { close(fd) }
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if halfClose { shutdown(fd, Int32(SHUT_WR)) }
            var answer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 && answer.isEmpty { return "<recv failed: errno \(errno)>" }
                if count <= 0 { break }
                answer += chunk[0..<count]
            }
            return String(decoding: answer, as: UTF8.self)
        }
    }

    /// Sends `pieces` one at a time, `interval` apart, reading whatever comes back in between,
    /// until every piece is sent or the peer closes: how many pieces went out, what was read, and
    /// when the peer closed (nil if it never did within 5 s after the last piece).
    static func trickle(port: Int, _ pieces: [String], every interval: Duration) async throws -> (
        sent: Int, answer: String, closedAfter: Duration?
    ) {
        try await onOwnThread {
            let fd = try connected(port: port)
            defer { close(fd) }
            let started = ContinuousClock.now
            var answer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            // Reads what is there without blocking; true once the peer has closed.
            func drain(waiting: Bool) -> Bool {
                while true {
                    let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, waiting ? 0 : Int32(MSG_DONTWAIT)) }
                    if count > 0 { answer += chunk[0..<count]; continue }
                    return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                }
            }
            var sent = 0
            for piece in pieces {
                if drain(waiting: false) { return (sent, String(decoding: answer, as: UTF8.self), ContinuousClock.now - started) }
                let bytes = Array(piece.utf8)
                let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written < 0 { return (sent, String(decoding: answer, as: UTF8.self), ContinuousClock.now - started) }
                sent += 1
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
            }
            let closed = drain(waiting: true)
            return (sent, String(decoding: answer, as: UTF8.self), closed ? ContinuousClock.now - started : nil)
        }
    }

    /// A blocking socket connected to 127.0.0.1:`port`, reads timing out after 5 s.
    private static func connected(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    private static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
