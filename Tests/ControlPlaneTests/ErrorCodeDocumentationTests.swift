import Foundation
import Testing

/// Refusals are judged by the error codes docs/api.md documents (`DocumentedError`); that copy
/// must stay the documentation's, or the tests would judge the code by the code.
@Suite("Error codes are documented")
struct ErrorCodeDocumentationTests {
    @Test func theRefusalOracleIsTheDocumentedTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/api.md"), encoding: .utf8)
        // Rows `| 403 | `forbidden` | … |` of the "Errors" table.
        var documented: [Int: [String]] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| 4") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 2, let status = Int(cells[1]), cells[2].hasPrefix("`"), cells[2].hasSuffix("`") else { continue }
            documented[status, default: []].append(String(cells[2].dropFirst().dropLast()))
        }
        let expected = DocumentedError.codes.mapValues { [$0] }.merging([403: ["mfa_required", "csrf_failed"]]) { $0 + $1 }
        #expect(documented.mapValues(Set.init) == expected.mapValues(Set.init), "docs/api.md: \(documented)")
        // One code per status is what a refusal is judged by; 403's others are named by their tests.
        #expect(documented.keys.sorted() == DocumentedError.codes.keys.sorted())
        #expect(documented[403]?.first == "forbidden")
    }
}
