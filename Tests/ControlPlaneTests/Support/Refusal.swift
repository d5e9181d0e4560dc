import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// The `error.code` docs/api.md ("Errors") gives each refusal status, copied here as the oracle
/// refusals are judged by; 403 has two more codes a test names itself (`mfa_required`,
/// `csrf_failed`).
enum DocumentedError {
    static let codes: [Int: String] = [
        400: "invalid_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        429: "too_many_requests",
    ]
}

extension ControlPlaneHarness.Reply {
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }

    /// The status and the error envelope only: an answer wrongly given may carry a secret.
    var refusalSummary: String {
        guard let code = errorCode else { return "\(status), not an error" }
        return "\(status) \(code): \(errorMessage ?? "no message")"
    }
}

/// A refusal is judged by its status, its error code and (where the test names one) its reason,
/// and by what it left behind: every row of the database as it was (docs/testing.md, "Every
/// refusal asserts its reason").
extension ControlPlaneHarness {
    /// Runs `request`, which must be refused with `status`, the code docs/api.md gives that status
    /// (or `code`), a message containing `message`, and the database unchanged but for the tables
    /// in `changing`.
    @discardableResult
    func expectRefusal(
        _ status: Int,
        code: String? = nil,
        message: String? = nil,
        changing: Set<String> = [],
        note: String = "",
        sourceLocation: SourceLocation = #_sourceLocation,
        _ request: () async throws -> Reply
    ) async throws -> Reply {
        let before = try await databaseRows(excluding: changing)
        let reply = try await request()
        let after = try await databaseRows(excluding: changing)
        let expectedCode = code ?? DocumentedError.codes[status]
        #expect(
            reply.status == status && reply.errorCode != nil && reply.errorCode == expectedCode,
            "\(note)expected \(status) \(expectedCode ?? "?"), got \(reply.refusalSummary)",
            sourceLocation: sourceLocation
        )
        if let message {
            #expect(
                reply.errorMessage?.contains(message) == true,
                "\(note)the reason should mention '\(message)': \(reply.refusalSummary)",
                sourceLocation: sourceLocation
            )
        }
        // Compared outside `#expect`, which would print every row (hashes, sealed keys).
        let unchanged = before == after
        #expect(unchanged, "\(note)the refusal changed the database: \(Self.difference(before, after))", sourceLocation: sourceLocation)
        return reply
    }

    /// `send` that must be refused (see `expectRefusal`).
    @discardableResult
    func expectRefused(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: Any? = nil,
        raw: String? = nil,
        contentType: String? = nil,
        key: String?? = .none,
        headers: HTTPFields = [:],
        status: Int,
        code: String? = nil,
        message: String? = nil,
        changing: Set<String> = [],
        note: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        try await expectRefusal(status, code: code, message: message, changing: changing, note: note, sourceLocation: sourceLocation) {
            try await send(method, uri, json: json, raw: raw, contentType: contentType, key: key, headers: headers)
        }
    }

    /// Every row of every table (but `excluding`) as `table: row text`, sorted.
    func databaseRows(excluding: Set<String> = []) async throws -> [String] {
        // Audit events a set-up step committed through a service (no request waits for them) are
        // chained first: the next changing request would chain them, no change of its own. An
        // event a refused request committed is still seen: chained here, in `audit_events`.
        try await services.audit.chainPending()
        let tables = try await database.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
            logger: TestCluster.logger
        ).decode(String.self).collect().filter { !excluding.contains($0) }
        let sql = tables.map { "SELECT '\($0)' || ': ' || t::text FROM \"\($0)\" t" }.joined(separator: " UNION ALL ")
        let rows = try await database.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger).decode(String.self).collect()
        return rows.sorted()
    }

    /// Which tables gained or lost rows, by count only: rows hold hashes and sealed keys.
    static func difference(_ before: [String], _ after: [String]) -> String {
        func table(_ row: String) -> String { String(row.prefix { $0 != ":" }) }
        let gone = Dictionary(grouping: Set(before).subtracting(after), by: table).mapValues(\.count)
        let new = Dictionary(grouping: Set(after).subtracting(before), by: table).mapValues(\.count)
        return Set(gone.keys).union(new.keys).sorted().map { "\($0) (+\(new[$0] ?? 0) −\(gone[$0] ?? 0))" }.joined(separator: ", ")
    }
}
