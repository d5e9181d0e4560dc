import AgentOSAuth

/// The claims as JSON, written directly: the keys and omissions of their synthesised `Codable`
/// form (absent optionals are left out), without `JSONEncoder`'s generic containers, which were
/// the largest part of a token after the signature (docs/performance.md).
extension AccessTokenClaims {
    var json: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        JSONText.member("iss", string: iss, first: true, into: &out)
        JSONText.member("sub", string: sub, into: &out)
        JSONText.member("aud", string: aud, into: &out)
        JSONText.member("iat", integer: iat, into: &out)
        JSONText.member("nbf", integer: nbf, into: &out)
        JSONText.member("exp", integer: exp, into: &out)
        JSONText.member("jti", string: jti, into: &out)
        JSONText.member("scopes", strings: scopes, into: &out)
        if let session_id { JSONText.member("session_id", string: session_id, into: &out) }
        if let email { JSONText.member("email", string: email, into: &out) }
        if let name { JSONText.member("name", string: name, into: &out) }
        if let org { JSONText.member("org", string: org, into: &out) }
        if let status {
            JSONText.key("status", into: &out)
            out.append(contentsOf: #"{"status_list":{"#.utf8)
            JSONText.member("idx", integer: status.status_list.idx, first: true, into: &out)
            JSONText.member("uri", string: status.status_list.uri, into: &out)
            out.append(contentsOf: "}}".utf8)
        }
        if let roles { JSONText.member("roles", strings: roles, into: &out) }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// Minimal JSON writing (RFC 8259): keys, numbers and arrays; strings through `JSONStringWriter`.
enum JSONText {
    static func key(_ key: StaticString, first: Bool = false, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: "\":".utf8)
    }

    static func member(_ name: StaticString, string: String, first: Bool = false, into out: inout [UInt8]) {
        key(name, first: first, into: &out)
        JSONStringWriter.append(string, to: &out)
    }

    static func member(_ name: StaticString, integer: Int, first: Bool = false, into out: inout [UInt8]) {
        key(name, first: first, into: &out)
        out.append(contentsOf: String(integer).utf8)
    }

    static func member(_ name: StaticString, strings: [String], into out: inout [UInt8]) {
        key(name, into: &out)
        out.append(UInt8(ascii: "["))
        for (index, value) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONStringWriter.append(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
