import Foundation
import Testing

@testable import ControlPlane

/// The built-in OS roles' scopes, pinned: an edit of the route table (from which they are
/// derived) changes every issued token, so it must show up here and in `docs/access.md`.
@Suite("Built-in role scopes are pinned")
struct BuiltinRoleScopeTests {
    static func scopes(of slug: String) -> [String] { BuiltinRoles.all.first { $0.slug == slug }?.scopes ?? [] }

    @Test func derivedListsEqualTheLiterals() {
        #expect(Self.scopes(of: "os-admin") == ["agent_os:admin"])
        #expect(Self.scopes(of: "os-viewer") == ReferenceScopes.viewer)
        #expect(Self.scopes(of: "os-member") == ReferenceScopes.member)
        #expect(ReferenceScopes.viewer.count == 17 && ReferenceScopes.member.count == 32)
    }

    /// `docs/access.md` lists the same scopes in its OS-roles table.
    @Test func documentationListsTheSameScopes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/access.md"), encoding: .utf8)
        func row(_ slug: String) throws -> [String] {
            let line = try #require(doc.split(separator: "\n").first { $0.hasPrefix("| `\(slug)` |") }, "no row for \(slug)")
            // Backticked scopes of the second column (role names and bare actions have no colon).
            let cells = line.split(separator: "|")
            let column = String(try #require(cells.dropFirst().first))
            return column.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
                .filter { $0.contains(":") }
        }
        #expect(try row("os-admin") == ["agent_os:admin"])
        #expect(try row("os-viewer") == ReferenceScopes.viewer)
        // The member row names the viewer list by reference and then the additions, with the two
        // administrative writes it leaves out.
        let member = try row("os-member")
        let excluded = ["config:write", "service_accounts:write"]
        #expect(excluded.allSatisfy(member.contains))
        #expect((ReferenceScopes.viewer + member.filter { !excluded.contains($0) }).sorted() == ReferenceScopes.member)
    }
}
