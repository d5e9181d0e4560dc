import Foundation
import HTTPTypes
import Prometheus
import Testing

@testable import ControlPlane
@testable import ControlPlaneHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// `/metrics` is scraped before and after a short load, and every family moves as it should.
@Suite("Metrics")
struct MetricsTests {
    /// The value of the sample of `name` whose labels include all of `labels` (`nil` if absent).
    static func sample(_ text: String, _ name: String, _ labels: [String] = []) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let head = line.split(separator: " ").dropLast().joined(separator: " ")
            guard labels.allSatisfy({ head.contains($0) }), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                continue
            }
            return value
        }
        return nil
    }

    @Test func familiesMoveUnderLoad() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod", algorithm: "ES256")
            try await cp.addMember("mo@acme.test", password: "correct horse battery")
            try await cp.bind(["user": "mo@acme.test"], role: "os-viewer")
            let account = try await cp.serviceAccount("bot")
            try await cp.bind(["service_account": account.id], role: "os-viewer")
            let before = try await cp.send(.get, "/metrics", key: .some(nil))
            #expect(before.status == 200 && before.headers[.contentType]?.hasPrefix("text/plain") == true)

            for _ in 0..<3 { #expect(try await cp.token(["subject": "mo@acme.test"]).status == 201) }
            let form = "grant_type=client_credentials&audience=acme/prod&client_id=\(account.clientID)&client_secret=\(account.secret)"
            #expect(try await cp.send(.post, "/oauth/token", form: form, key: .some(nil)).status == 200)
            let login = ["email": "mo@acme.test", "password": "correct horse battery"]
            #expect(try await cp.send(.post, "/v1/auth/login", json: login, key: .some(nil)).status == 201)
            for _ in 0..<2 {
                let wrong = ["email": "mo@acme.test", "password": "wrong horse battery"]
                try await cp.expectRefused(.post, "/v1/auth/login", json: wrong, key: .some(nil), status: 401, message: "email or password")
            }
            let jwks = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            let etag = try #require(jwks.headers[.eTag])
            #expect(
                try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil), headers: [.ifNoneMatch: etag]).status == 304
            )
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/nope", key: .some(nil), status: 401)

            let after = try await cp.send(.get, "/metrics", key: .some(nil)).text
            func delta(_ name: String, _ labels: [String]) -> Double {
                (Self.sample(after, name, labels) ?? 0) - (Self.sample(before.text, name, labels) ?? 0)
            }
            let tokens = "controlplane_tokens_issued_total"
            #expect(delta(tokens, [#"grant="api""#, #"algorithm="ES256""#]) == 3, "\(after)")
            #expect(delta(tokens, [#"grant="client_credentials""#, #"algorithm="ES256""#]) == 1)
            #expect(delta("controlplane_sign_ins_total", [#"outcome="success""#]) == 1)
            #expect(delta("controlplane_sign_ins_total", [#"outcome="failure""#]) == 2)
            let served = "controlplane_public_documents_served_total"
            #expect(delta(served, [#"document="jwks""#, #"result="sent""#]) == 1)
            #expect(delta(served, [#"document="jwks""#, #"result="not_modified""#]) == 1)
            let requests = "controlplane_http_requests_total"
            #expect(delta(requests, [#"route="/v1/orgs/{org}/os/{os}/tokens""#, #"status="201""#]) == 3)
            #expect(delta(requests, [#"route="/v1/auth/login""#, #"status="401""#]) == 2)
            // The raw path never becomes a label: an unknown route is "unmatched" or its template.
            #expect(!after.contains("/v1/orgs/acme/"))
            #expect((Self.sample(after, "controlplane_http_request_duration_seconds_count", [#"route="/v1/auth/login""#]) ?? 0) >= 3)
            // Gauges read from the database at scrape time.
            #expect(Self.sample(after, "controlplane_oses_without_active_key") == 0)
            let age = try #require(Self.sample(after, "controlplane_signing_key_age_max_seconds", [#"schedule="manual""#]))
            #expect(age >= 0 && age < 600)
            let migrations = try TestCluster.migrations.count
            #expect(Self.sample(after, "controlplane_migrations_applied") == Double(migrations))
            #expect((Self.sample(after, "controlplane_db_connections") ?? 0) >= 1)
            // Revoking the only key: the OS reports no active key.
            let kid = try #require(
                (try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]])?.first?["kid"] as? String
            )
            #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke").status == 200)
            let revoked = try await cp.send(.get, "/metrics", key: .some(nil)).text
            #expect(Self.sample(revoked, "controlplane_oses_without_active_key") == 1)
        }
    }

    /// What breaks the text exposition format's rules for comments (prometheus.io, "Exposition
    /// formats"): every `# TYPE` family needs exactly one `# HELP` line with text, whose only escapes
    /// are `\\` and `\n`; every sample belongs to a family with a `# TYPE`.
    static func formatProblems(_ text: String) -> [String] {
        var problems: [String] = []
        var helps: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# HELP ") {
            let words = line.split(separator: " ", maxSplits: 3)
            guard words.count == 4 else {
                problems.append("HELP without text: \(line)")
                continue
            }
            helps[String(words[2]), default: 0] += 1
            var escaped = false
            for character in words[3] {
                if escaped {
                    if character != "\\" && character != "n" { problems.append("bad escape in \(line)") }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                }
            }
            if escaped { problems.append("HELP ends in a lone backslash: \(line)") }
        }
        let types = families(text)
        for name in types.keys where helps[name] != 1 { problems.append("\(name): \(helps[name] ?? 0) HELP lines") }
        for name in helps.keys where types[name] == nil { problems.append("HELP for \(name) without a TYPE") }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            // A histogram's samples carry a suffix on the family's name.
            let histogram = ["_bucket", "_sum", "_count"].lazy.map { name.hasSuffix($0) ? String(name.dropLast($0.count)) : "" }
                .first { types[$0] == "histogram" }
            let family = histogram ?? name
            if types[family] == nil { problems.append("sample without a TYPE: \(line)") }
        }
        return problems
    }

    /// Each `# TYPE` line's family and type.
    static func families(_ text: String) -> [String: String] {
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let words = line.split(separator: " ")
            if words.count == 4 { types[String(words[2])] = String(words[3]) }
        }
        return types
    }

    /// The families docs/operations.md's metrics table lists for the control plane (the verifier's
    /// `agentos_auth_*` are served by the OS that embeds it, not here).
    static func documentedFamilies() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let names = doc.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        return Set(names.filter { $0.hasPrefix("controlplane_") || $0.hasPrefix("process_") })
    }

    /// Every family the control plane can report, each made once here, is documented and described.
    @Test func everyFamilyIsDocumentedAndDescribed() throws {
        let metrics = ControlPlaneMetrics()
        metrics.request(method: "GET", route: "/health", status: 200, duration: .milliseconds(3))
        metrics.tokenIssued(algorithm: "RS256", grant: "api")
        metrics.signIn("success")
        metrics.publicKeyServed("jwks", notModified: false)
        metrics.rotationPass(result: "acted", staged: 1, activated: 1, retired: 1)
        metrics.record(.init(keyAges: [("acme", "prod", 60, 86_400)], connections: [("active", 2)], appliedMigrations: 3))
        metrics.recordProcess()
        let text = String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self)
        #expect(Self.formatProblems(text).isEmpty, "\(Self.formatProblems(text))")
        let documented = try Self.documentedFamilies()
        #expect(Set(Self.families(text).keys) == documented, "\(text)")
        #expect(Self.families(text)["process_cpu_seconds_total"] == "counter")
        #expect(Self.families(text)["controlplane_http_request_duration_seconds"] == "histogram")
    }

    /// Any token is a valid HTTP method: each new one sent must not add a series for the life of
    /// the process (memory, and a scrape that grows without end). Methods beyond the standard
    /// ones count as `OTHER`.
    @Test func unknownMethodsShareOneSeries() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            for index in 0..<40 {
                _ = try await cp.send(HTTPRequest.Method("PROBE\(index)")!, "/health", key: .some(nil))
            }
            let text = try await cp.send(.get, "/metrics", key: .some(nil)).text
            #expect(!text.contains("PROBE"), "every method its own series")
            #expect(Self.sample(text, "controlplane_http_requests_total", ["method=\"OTHER\""]) == 40)
        }
    }

    /// A scrape of the running server: the build and this process, with plausible figures.
    @Test func buildAndProcessSeries() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            // This process's CPU time; POSIX fixes CLOCKS_PER_SEC at a million.
            func cpuNow() -> Double { Double(clock()) / 1_000_000 }
            let began = Date()
            let cpuBefore = cpuNow()
            let first = try await cp.send(.get, "/metrics", key: .some(nil)).text
            let cpuAfter = cpuNow()
            #expect(Self.formatProblems(first).isEmpty, "\(Self.formatProblems(first))")
            #expect(Set(Self.families(first).keys).isSubset(of: try Self.documentedFamilies()), "\(first)")

            let build = first.split(separator: "\n").filter { $0.hasPrefix("controlplane_build_info") }
            #expect(build.count == 1, "\(build)")
            #expect(Self.sample(first, "controlplane_build_info", ["version=\"\(BuildInfo.version)\""]) == 1, "\(build)")
            #expect(build.first?.contains(try Regex(#"swift="6\.[0-9]+\+?""#)) == true, "\(build)")

            let resident = try #require(Self.sample(first, "process_resident_memory_bytes"), "\(first)")
            #expect(resident > 1_000_000)
            // The kernel's own figure for the same process, from another file and in kB.
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let rssLine = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
            let kernelRSS = try #require(Double(rssLine.split(separator: " ")[1])) * 1024
            #expect(resident > kernelRSS / 2 && resident < kernelRSS * 2, "\(resident) vs VmRSS \(kernelRSS)")
            #expect(try #require(Self.sample(first, "process_virtual_memory_bytes")) >= resident)
            let started = try #require(Self.sample(first, "process_start_time_seconds"))
            #expect(started <= began.timeIntervalSince1970 && started > began.timeIntervalSince1970 - 86_400)
            let open = try #require(Self.sample(first, "process_open_fds"))
            #expect(open > 0 && open <= (Self.sample(first, "process_max_fds") ?? 0))
            // Clock ticks (10 ms) against nanoseconds: read between the two readings, give or take a tick.
            let cpu = try #require(Self.sample(first, "process_cpu_seconds_total"))
            #expect(cpu > 0 && cpu >= cpuBefore - 0.05 && cpu <= cpuAfter + 0.05, "\(cpuBefore) ≤ \(cpu) ≤ \(cpuAfter)")

            // A counter: it carries on from the first scrape, rising with the CPU used since.
            var spent = 0.0
            for round in 0..<2_000_000 { spent += sin(Double(round)) }
            #expect(spent.isFinite)
            let cpuThen = cpuNow()
            let second = try await cp.send(.get, "/metrics", key: .some(nil)).text
            let cpuLater = try #require(Self.sample(second, "process_cpu_seconds_total"))
            #expect(cpuLater >= cpuThen - 0.05 && cpuLater > cpu, "\(cpu) then \(cpuLater), clock \(cpuThen)")
        }
    }

    /// proc(5)'s layout, with a command name that holds a space and parentheses of its own.
    @Test func procFilesAreReadByTheirFields() {
        let stat = "42 (cp (x) y) S 1 42 42 0 -1 4194304 0 0 0 0 250 50 0 0 20 0 9 0 1000 2000000 300 18446744073709551615 1 1 0"
        let system = "cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"
        let stats = ProcessStats.parse(stat: stat, systemStat: system, ticksPerSecond: 100, pageSize: 4096)
        #expect(stats == ProcessStats(cpuSeconds: 3, residentBytes: 1_228_800, virtualBytes: 2_000_000, startTime: 1_700_000_010))
        #expect(ProcessStats.parse(stat: "42 (cp) S 1", systemStat: system, ticksPerSecond: 100, pageSize: 4096) == nil)
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n"
        #expect(ProcessStats.openFilesLimit(limits + "Max open files            1024                 4096                 files\n") == 1024)
        #expect(ProcessStats.openFilesLimit(limits + "Max open files            unlimited            unlimited            files\n") == nil)
    }
}
