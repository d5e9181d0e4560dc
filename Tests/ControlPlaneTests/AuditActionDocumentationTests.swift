import Foundation
import Testing

@testable import ControlPlane

/// `docs/api.md` lists exactly the audit actions the code can write.
@Suite("Audit actions are documented")
struct AuditActionDocumentationTests {
    @Test func apiReferenceListsEveryAction() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/api.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "**Audit actions**:"))
        let paragraph = String(doc[start.upperBound...]).components(separatedBy: "\n\n").first ?? ""
        let listed = paragraph.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }.filter { $0.contains(".") && !$0.contains(" ") && !$0.contains("(") }
        #expect(Set(listed) == Set(AuditAction.allCases.map(\.rawValue)), "docs/api.md: \(listed)")
        #expect(listed.count == AuditAction.allCases.count)
    }
}
