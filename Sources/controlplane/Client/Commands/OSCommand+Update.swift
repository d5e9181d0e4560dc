import ArgumentParser
import ControlPlaneHTTP
import Foundation

extension OSCommand {
    /// `controlplane os update <os> [--name] [--url] [--rotation-period P | --no-rotation] [--verifier V]`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename an OS, change its URL, or set or end its key-rotation schedule."
        )
        @OptionGroup var target: Target
        @Option(help: "Display name.") var name: String?
        @Option(help: "The OS's URL.") var url: String?
        @Option(help: "Rotate the signing key on a schedule: a period such as 90d, 12h or 3600 (seconds).")
        var rotationPeriod: String?
        @Flag(help: "End the rotation schedule (keys are then rotated by hand only).") var noRotation = false
        @Option(help: "What verifies its tokens: agno (a stock Agno AgentOS) or agentos-auth (this project's verifier or gateway).")
        var verifier: String?
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if noRotation && rotationPeriod != nil { throw ValidationError("--rotation-period and --no-rotation exclude each other") }
            if name == nil && url == nil && rotationPeriod == nil && !noRotation && verifier == nil {
                throw ValidationError("nothing to change: give --name, --url, --rotation-period, --no-rotation or --verifier")
            }
        }

        func run() async throws {
            // Absent: unchanged; null (--no-rotation): no schedule.
            let period: NullableInt? = noRotation ? NullableInt(nil) : try rotationPeriod.map { NullableInt(try OSCommand.seconds($0)) }
            var update = Components.Schemas.OSUpdate(name: name, rotationPeriod: period, url: url)
            update.verifier = verifier
            let path = Operations.UpdateOS.Input.Path(org: try target.org.slug(), os: target.os)
            let os = try await client.authenticated().call { try await $0.updateOS(path: path, body: .json(update)).ok.body.json }
            try client.emit(os, record: OSCommand.fields)
        }
    }

    /// A period on the command line: whole seconds, or a number with `s`, `m`, `h` or `d`.
    static func seconds(_ text: String) throws -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last, let factor = units[last] {
            digits = text.dropLast()
            unit = factor
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0,
            value.multipliedReportingOverflow(by: unit).overflow == false
        else {
            throw ValidationError("'\(text.prefix(40))' is not a period: use whole seconds or a number with s, m, h or d (e.g. 90d)")
        }
        return value * unit
    }
}
