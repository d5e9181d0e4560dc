import ArgumentParser
import ControlPlane
import Foundation

/// `--yes`, and the question a destructive command asks first when a person runs it.
///
/// The question is asked only when stdin is a terminal: a script, a pipe or CI runs the command
/// as it always has, so nothing that worked before now waits for an answer (docs/decisions.md,
/// "The CLI's errors and questions").
struct Confirmation: ParsableArguments {
    @Flag(name: [.short, .long], help: "Do not ask before acting (only a terminal is asked; scripts never are).")
    var yes = false

    /// Asks `question` on the terminal and returns when the answer is y or yes; anything else
    /// (or end of input) stops the command with exit 1, having changed nothing.
    func confirm(_ question: String) throws {
        guard !yes, isatty(0) == 1 else { return }
        // On stderr, so stdout keeps only the command's own output.
        FileHandle.standardError.write(Data("\(InertText.of(question)) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw fail("not confirmed, nothing changed (pass --yes to skip the question)", code: "not_confirmed")
        }
    }
}
