import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// Every operation of openapi.yaml, as each of twelve kinds of caller, answers the
/// status docs/access.md says (`AuthorizationMatrix`), refusals in the API's error envelope with
/// the code docs/api.md gives their status, a refused change leaving the database as it was; the
/// matrix covers every operation; docs/access.md and docs/api.md show it as it is.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// Walks every row as `caller` on a fresh control plane.
    @Test(arguments: MatrixCaller.allCases)
    func walk(_ caller: MatrixCaller) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let fixture = try await MatrixFixture.build(cp, for: caller)
            for row in AuthorizationMatrix.rows {
                let expected = try #require(row.expected[caller])
                let oauth = row.operation == "issueClientCredentialsToken"
                // A refused change is re-read: every row of the database as before.
                let guarded = expected >= 400 && row.method != .get
                let before = try await guarded ? cp.databaseRows() : []
                let reply = try await fixture.send(row, on: cp)
                #expect(
                    reply.status == expected,
                    "MISMATCH \(row) as \(caller): expected \(expected), got \(reply.status): \(reply.text.prefix(400))"
                )
                guard reply.status >= 400 || expected >= 400 else { continue }
                #expect(Self.isEnvelope(reply, oauth: oauth), "\(row) as \(caller): \(reply.text.prefix(400))")
                // The reason: the code docs/api.md gives the status the rules expect. /oauth/token's
                // row refuses nobody (RFC 6749's codes would apply there).
                if !oauth {
                    let code = MatrixPermission.errorCode(for: expected)
                    #expect(
                        code != nil && reply.errorCode == code,
                        "\(row) as \(caller): expected \(expected) \(code ?? "?"), got \(reply.refusalSummary)"
                    )
                }
                if guarded {
                    let after = try await cp.databaseRows()
                    let unchanged = after == before  // outside `#expect`, which would print every row
                    #expect(
                        unchanged,
                        "\(row) as \(caller) was refused but changed the database: \(ControlPlaneHarness.difference(before, after))"
                    )
                }
            }
        }
    }

    /// `{"error":{"code","message"}}`, or RFC 6749's `{"error","error_description"}` on `/oauth/token`.
    static func isEnvelope(_ reply: ControlPlaneHarness.Reply, oauth: Bool) -> Bool {
        if oauth { return reply.json["error"] is String }
        let error = reply.json["error"] as? [String: Any]
        return error?["code"] is String && error?["message"] is String
    }

    /// Every operation of openapi.yaml has a row; every row is an operation of it, with its method
    /// and a path of its template; every row expects something of every caller.
    @Test func everyOperationHasARow() throws {
        let scanned = MatrixDocument.operations(yaml: try String(contentsOf: MatrixDocument.contract, encoding: .utf8))
        let embedded = MatrixDocument.operations(json: EmbeddedOpenAPIDocument.json)
        #expect(Set(scanned) == Set(embedded), "the scan of openapi.yaml disagrees with the built document")
        #expect(scanned.count >= 77 && Set(scanned.map(\.id)).count == scanned.count, "\(scanned.count) operations")
        let covered = Set(AuthorizationMatrix.rows.map(\.operation))
        #expect(scanned.filter { !covered.contains($0.id) }.map(\.description) == [], "operations of openapi.yaml without a row")
        let byID = Dictionary(scanned.map { ($0.id, $0) }) { first, _ in first }
        for row in AuthorizationMatrix.rows {
            #expect(row.expected.count == MatrixCaller.allCases.count, "\(row)")
            guard let operation = byID[row.operation] else {
                Issue.record("\(row): no such operation in openapi.yaml")
                continue
            }
            #expect(
                operation.method == row.method.rawValue && MatrixDocument.matches(template: operation.path, path: row.path),
                "\(row) is not \(operation)"
            )
        }
    }

    /// docs/access.md and docs/api.md carry the rendered matrix between their markers;
    /// `CONTROLPLANE_UPDATE_DOCS=1` rewrites the sections instead.
    @Test func documentationShowsTheMatrix() throws {
        let rendered = MatrixDocument.markdown(AuthorizationMatrix.rows)
        let update = ProcessInfo.processInfo.environment["CONTROLPLANE_UPDATE_DOCS"] == "1"
        for url in MatrixDocument.documents {
            let text = try String(contentsOf: url, encoding: .utf8)
            let section = try #require(MatrixDocument.section(of: text), "\(url.lastPathComponent) has no authorization-matrix markers")
            if update {
                try text.replacingCharacters(in: section, with: rendered).write(to: url, atomically: true, encoding: .utf8)
            } else {
                #expect(
                    String(text[section]) == rendered,
                    "\(url.lastPathComponent) is not the matrix: CONTROLPLANE_UPDATE_DOCS=1 swift test --filter AuthorizationMatrix"
                )
            }
        }
    }
}
