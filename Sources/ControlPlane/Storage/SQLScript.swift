/// Splits a migration file into statements.
///
/// postgres-nio sends every query as a prepared statement, which PostgreSQL limits to one
/// command, so a file is split on `;` outside quotes, dollar-quoted bodies and comments.
import Foundation

enum SQLScript {
    static func statements(_ sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        while index < chars.count {
            let char = chars[index]
            if char == "-" && peek(1) == "-" {
                while index < chars.count && chars[index] != "\n" { index += 1 }
                continue
            }
            if char == "/" && peek(1) == "*" {
                index += 2
                while index < chars.count && !(chars[index] == "*" && peek(1) == "/") { index += 1 }
                index += 2
                continue
            }
            if char == "'" || char == "\"" {
                current.append(char)
                index += 1
                while index < chars.count {
                    current.append(chars[index])
                    if chars[index] == char {
                        if peek(1) == char {
                            current.append(chars[index + 1])
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
                continue
            }
            if char == "$", let tagEnd = dollarTagEnd(chars, from: index) {
                let tag = Array(chars[index...tagEnd])
                current.append(contentsOf: tag)
                index = tagEnd + 1
                while index < chars.count {
                    if chars[index] == "$", index + tag.count <= chars.count, Array(chars[index..<index + tag.count]) == tag {
                        current.append(contentsOf: tag)
                        index += tag.count
                        break
                    }
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if char == ";" {
                append(&statements, current)
                current = String.UnicodeScalarView()
                index += 1
                continue
            }
            current.append(char)
            index += 1
        }
        append(&statements, current)
        return statements
    }

    private static func append(_ statements: inout [String], _ scalars: String.UnicodeScalarView) {
        let statement = String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
        if !statement.isEmpty { statements.append(statement) }
    }

    /// `$tag$` or `$$` starting at `start`: the index of the closing `$` of the tag.
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < chars.count {
            let char = chars[index]
            if char == "$" { return index }
            guard char == "_" || char.properties.isAlphabetic || (index > start + 1 && ("0"..."9").contains(char)) else {
                return nil
            }
            index += 1
        }
        return nil
    }
}
