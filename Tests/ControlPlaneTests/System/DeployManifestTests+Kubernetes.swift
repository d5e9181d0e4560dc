import Foundation
import Testing

@testable import ControlPlane

/// The Kubernetes manifests, the compose file and the nginx configuration, read as their files.
extension SystemTests.DeployManifestTests {
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

}
