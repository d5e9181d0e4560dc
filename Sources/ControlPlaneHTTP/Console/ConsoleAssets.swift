public import Foundation

/// The browser console's static files (`Console/` in the repository), read once at start-up.
/// Only flat file names with a known extension are served, so no path a request names can
/// leave the directory; there is no build step, the files are served as they are in the repository.
public struct ConsoleAssets: Sendable {
    struct Asset: Sendable {
        var contentType: String
        var data: Data
    }

    let files: [String: Asset]
    /// Where the files were read from, for the "not installed" answer and the start-up log.
    public let directory: URL?

    /// No console (an installation without the files): `/console` answers 404 saying so.
    public static let none = ConsoleAssets(files: [:], directory: nil)

    static let contentTypes = [
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
    ]

    init(files: [String: Asset], directory: URL?) {
        self.files = files
        self.directory = directory
    }

    /// Reads every servable file of `directory` (not its subdirectories).
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var files: [String: Asset] = [:]
        for name in names where Self.isServable(name) {
            let type = Self.contentTypes[String(name.split(separator: ".").last ?? "")]!
            files[name] = Asset(contentType: type, data: try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        guard files["index.html"] != nil else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: directory.appendingPathComponent("index.html").path])
        }
        self.init(files: files, directory: directory)
    }

    /// `name.ext`: letters, digits, `-` and `_` before one dot and a known extension.
    static func isServable(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let ext = parts.last, contentTypes[String(ext)] != nil, let stem = parts.first, !stem.isEmpty else {
            return false
        }
        return stem.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `CONTROL_PLANE_CONSOLE_DIR`, else the first of `./Console`, `<executable>/../share/controlplane/console`
    /// and the repository's `Console/` (so a built binary serves it from any working directory).
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceFile: String = #filePath
    ) -> URL? {
        if let configured = environment["CONTROL_PLANE_CONSOLE_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let fm = FileManager.default
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        // Sources/ControlPlaneHTTP/Console/ConsoleAssets.swift → repository root.
        let root = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Console"),
            executable.appendingPathComponent("../share/controlplane/console").standardizedFileURL,
            root.appendingPathComponent("Console"),
        ]
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("index.html").path) }
    }
}
