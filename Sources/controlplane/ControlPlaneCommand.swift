import ArgumentParser
import ControlPlane
import ControlPlaneHTTP
import Foundation

struct ControlPlaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controlplane",
        abstract: "AgentOS control plane: OS registry, signing keys, users, grants and token issuance.",
        discussion: """
            `serve` runs the service; the other commands call a running one over HTTP (--server, --token), except \
            `migrate`, `admin-key create` and `keys rewrap`, which work on the database. Exit codes: 0 done, 1 the \
            server (or the database) said no and the message says why, 2 the command line was wrong. With --json, \
            errors are JSON too: {"error":{"code","message","status"}} on stderr.
            """,
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, AdminKeyCommand.self, LoginCommand.self, OrgCommand.self, OSCommand.self,
            KeysCommand.self, MemberCommand.self, InvitationCommand.self, PasswordCommand.self, MFACommand.self, RoleCommand.self,
            BindCommand.self,
            UnbindCommand.self, GrantCommand.self,
            RevokeGrantCommand.self, AccessCommand.self, ExplainCommand.self, TokenCommand.self, ServiceAccountCommand.self,
            AuditCommand.self,
        ]
    )
}

/// Runs the command with the exit codes scripts rely on: 0 done, 1 refused (message printed), 2 usage.
/// ArgumentParser's own usage code is 64 (EX_USAGE); errors never print a stack trace.
@main
enum Main {
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try ControlPlaneCommand.parseAsRoot()
        } catch {
            finish(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            // Found while running (no credentials, no --org): one line, no root usage.
            ErrorReport.write(error.message, code: "usage", status: nil)
            exit(2)
        } catch {
            finish(error)
        }
    }

    static func finish(_ error: any Error) -> Never {
        let code = ControlPlaneCommand.exitCode(for: error)
        if code == .success {
            // Help, --version, a completion script: asked for, so printed on stdout.
            let text = InertText.of(ControlPlaneCommand.fullMessage(for: error), keepNewlines: true)
            if !text.isEmpty { print(text) }
            exit(0)
        }
        let exitCode = code == .validationFailure ? 2 : code.rawValue
        if ErrorReport.json {
            // The message alone (the usage text is for people); `fail`'s exit code has none, as
            // `fail` has reported already.
            let message = ControlPlaneCommand.message(for: error)
            if !message.isEmpty { ErrorReport.write(message, code: exitCode == 2 ? "usage" : "failed", status: nil) }
        } else {
            // Error messages echo server answers, which may quote hostile input.
            let message = InertText.of(ControlPlaneCommand.fullMessage(for: error), keepNewlines: true)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        }
        exit(exitCode)
    }
}
