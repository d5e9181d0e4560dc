import ArgumentParser

@main
struct ControlPlaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controlplane",
        abstract: "AgentOS control plane: OS registry, signing keys, users, grants and token issuance.",
        subcommands: [ServeCommand.self, MigrateCommand.self, AdminKeyCommand.self, KeysCommand.self, AuditCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
