import Foundation
import PackagePlugin

/// Compiles the target's `openapi.yaml` into the target: the document as written and as JSON,
/// so the server serves `/openapi.yaml` and `/openapi.json` from the file the API is described
/// in (docs/api.md), with nothing to install beside the binary.
@main
struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget,
            let document = module.sourceFiles.first(where: { $0.url.lastPathComponent == "openapi.yaml" })
        else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedOpenAPIDocument.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(document.url.lastPathComponent) into \(target.name)",
                executable: try context.tool(named: "OpenAPIEmbedder").url,
                arguments: [document.url.path, output.path],
                inputFiles: [document.url],
                outputFiles: [output]
            )
        ]
    }
}
