import Foundation
import Testing

@testable import ControlPlane

/// `controlplane mfa …`, `login --totp` and `org update --require-mfa`, as the built binary.
extension SystemTests.CLITests {
    @Test func mfaEnrolmentAndTwoStepLogin() async throws {
        try await withServer { cp, environment in
            let login = ["login", "--email", "alice@example.com", "--password-stdin"]
            let signedIn = try await CLI.run(login, environment: environment, stdin: Self.password + "\n")
            #expect(signedIn.status == 0, "\(signedIn)")
            var alice = environment
            alice["CONTROL_PLANE_TOKEN"] = signedIn.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            cp.alignToStep()
            let enrol = try await CLI.run(["mfa", "enroll", "--json"], environment: alice)
            #expect(
                enrol.status == 0 && enrol.stdout.contains("otpauth://totp/AgentOS%20Control%20Plane:alice@example.com?secret="),
                "\(enrol)"
            )
            let json = try JSONSerialization.jsonObject(with: Data(enrol.stdout.utf8)) as? [String: Any]
            let text = try #require(json?["secret"] as? String)
            let secret = try #require(Base32.decode(text))
            let confirm = try await CLI.run(["mfa", "confirm", cp.totp(secret)], environment: alice)
            #expect(confirm.status == 0 && confirm.stdout.contains("TOTP is on"), "\(confirm)")
            let recovery = confirm.stdout.split(separator: "\n").dropFirst().map(String.init)
            #expect(recovery.count == 10, "\(confirm.stdout)")
            // Without a terminal or --totp, login says what it needs; with the next step's code it signs in.
            let missing = try await CLI.run(login, environment: environment, stdin: Self.password + "\n")
            #expect(missing.status == 2 && missing.stderr.contains("pass --totp CODE"), "\(missing)")
            let twoStep = try await CLI.run(
                login + ["--totp", cp.totp(secret, offset: 1)],
                environment: environment,
                stdin: Self.password + "\n"
            )
            #expect(twoStep.status == 0 && twoStep.stdout.hasPrefix("cps_"), "\(twoStep)")
            let wrong = try await CLI.run(login + ["--totp", cp.wrongTOTP(secret)], environment: environment, stdin: Self.password + "\n")
            #expect(wrong.status == 1 && wrong.stderr.contains("wrong authenticator or recovery code (HTTP 401)"), "\(wrong)")
            let status = try await CLI.run(["mfa", "status"], environment: alice)
            #expect(status.stdout.contains("totp:") && status.stdout.contains("yes") && status.stdout.contains("10"), "\(status)")
            let require = try await CLI.run(["org", "update", "acme", "--require-mfa", "true"], environment: environment)
            #expect(require.status == 0 && require.stdout.contains("require mfa: yes"), "\(require)")
            let off = try await CLI.run(
                ["mfa", "disable", "--code", recovery[0], "--password-stdin"],
                environment: alice,
                stdin: Self.password + "\n"
            )
            #expect(off.status == 0 && off.stdout.contains("TOTP is off"), "\(off)")
        }
    }

}
