import Prometheus
import Synchronization

/// The request counter and latency histogram of each (method, route, status), made once: looking
/// them up in the Prometheus registry on every request (label arrays built, the registry's lock)
/// was 2.9 % of `/health` (docs/performance.md). Keys are bounded: the method is one of the
/// standard ones or `OTHER` (any token is a valid HTTP method, and each new one would otherwise
/// add a series for as long as the process lives), the route a matched template or `unmatched`,
/// the status a number.
final class RequestSeries: Sendable {
    struct Key: Hashable, Sendable {
        var method: String
        var route: String
        var status: Int
    }

    struct Series: Sendable {
        var requests: Counter
        var duration: DurationHistogram
    }

    private static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    private let series = Mutex<[Key: Series]>([:])
    private let make: @Sendable (Key) -> Series

    init(make: @escaping @Sendable (Key) -> Series) {
        self.make = make
    }

    /// The series of one answered request.
    func series(method: String, route: String, status: Int) -> Series {
        let key = Key(method: Self.methods.contains(method) ? method : "OTHER", route: route, status: status)
        if let found = series.withLock({ $0[key] }) { return found }
        let made = make(key)
        return series.withLock { cache in
            if let found = cache[key] { return found }
            cache[key] = made
            return made
        }
    }
}
