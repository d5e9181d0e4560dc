import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// This process's resource use, as Linux reports it in `/proc` and as Prometheus's own clients
/// export it (`process_*`). Read at scrape time, so a scrape always sees current values.
struct ProcessStats: Sendable, Equatable {
    /// User plus system CPU time.
    var cpuSeconds: Double
    var residentBytes: Double
    var virtualBytes: Double
    /// Seconds since the Unix epoch.
    var startTime: Double
    var openDescriptors: Double?
    /// The soft limit; `nil` when unlimited.
    var maxDescriptors: Double?

    /// The current figures, or `nil` where `/proc` is not there to read (macOS, a sandbox).
    static func current() -> ProcessStats? {
        #if os(Linux)
            guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
                let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8)
            else { return nil }
            var stats = parse(
                stat: stat,
                systemStat: system,
                ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                pageSize: Double(sysconf(Int32(_SC_PAGESIZE)))
            )
            // The listing holds the descriptor that reads it; Prometheus's clients count it too.
            stats?.openDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { Double($0.count) }
            stats?.maxDescriptors = (try? String(contentsOfFile: "/proc/self/limits", encoding: .utf8)).flatMap(openFilesLimit)
            return stats
        #else
            return nil
        #endif
    }

    /// Reads `/proc/self/stat` (proc(5): utime, stime, starttime, vsize, rss) and `/proc/stat`'s
    /// `btime` (the boot time, which starttime counts from).
    static func parse(stat: String, systemStat: String, ticksPerSecond: Double, pageSize: Double) -> ProcessStats? {
        // The command name (field 2) is in parentheses and may hold spaces and parentheses of its own.
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // `fields[0]` is field 3 (state), so field n is `fields[n - 3]`.
        func field(_ number: Int) -> Double? {
            fields.indices.contains(number - 3) ? Double(fields[number - 3]) : nil
        }
        let bootTime = systemStat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { line in
            line.split(separator: " ").last.flatMap { Double($0) }
        }
        guard let user = field(14), let system = field(15), let started = field(22), let virtual = field(23), let pages = field(24),
            let bootTime
        else { return nil }
        return ProcessStats(
            cpuSeconds: (user + system) / ticksPerSecond,
            residentBytes: pages * pageSize,
            virtualBytes: virtual,
            startTime: bootTime + started / ticksPerSecond
        )
    }

    /// The soft limit on the "Max open files" line of `/proc/self/limits`.
    static func openFilesLimit(_ limits: String) -> Double? {
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else { return nil }
        let words = line.split(separator: " ")
        // "Max", "open", "files", soft, hard, unit: "unlimited" does not parse, so it reports nothing.
        return words.count > 3 ? Double(words[3]) : nil
    }
}
