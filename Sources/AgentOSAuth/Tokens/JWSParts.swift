/// The three segments of a compact JWS, with the header decoded. The payload is decoded only
/// after the signature has been checked. Every segment must be canonical base64url
/// (``Base64URL/decode(_:)``), so a token has exactly one string form.
struct JWSParts {
    let token: String
    let signingInputLength: Int
    let payloadSegment: Substring
    let algorithm: String
    let keyID: String?
    /// The header's `typ`, if it is a string.
    let type: String?
    let signature: [UInt8]

    init(_ token: String) throws(AgentOSAuthError) {
        self.token = token
        // Split on the UTF-8 view: `String.split` walks grapheme clusters, which cost more than
        // the rest of the parsing together.
        var segments: [Substring] = []
        segments.reserveCapacity(3)
        var start = token.utf8.startIndex
        for index in token.utf8.indices where token.utf8[index] == UInt8(ascii: ".") {
            segments.append(Substring(token.utf8[start..<index]))
            start = token.utf8.index(after: index)
            if segments.count > 3 { break }
        }
        segments.append(Substring(token.utf8[start...]))
        guard segments.count >= 3 else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Not enough segments")
        }
        guard segments.count == 3 else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Too many segments")
        }
        guard let headerBytes = Base64URL.decode(segments[0]) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid header padding")
        }
        guard let header = JSONParser.object(headerBytes) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid header string: must be a json object")
        }
        guard let signature = Base64URL.decode(segments[2]) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid crypto padding")
        }
        // The payload is decoded after the signature check, but a non-canonical encoding is
        // refused before it, like the other two segments (one string form per token).
        guard Base64URL.hasCanonicalEnd(segments[1]) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid payload padding")
        }
        guard let algorithm = header["alg"]?.stringValue else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: The specified alg value is not allowed")
        }
        if let kid = header["kid"], kid.stringValue == nil {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Key ID header parameter must be a string")
        }
        if let typ = header["typ"], typ.stringValue == nil {
            throw AgentOSAuthError(.invalidToken, "Invalid token: typ must be a string")
        }
        // RFC 7515 §4.1.11: a token naming an extension its recipient does not understand is
        // invalid. This verifier understands none (PyJWT's messages; it refuses the same tokens).
        if let crit = header["crit"] {
            guard case .array(let names) = crit, !names.isEmpty else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid 'crit' header: must be a non-empty list")
            }
            guard let first = names.first?.stringValue, names.allSatisfy({ $0.stringValue != nil }) else {
                throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid 'crit' header: values must be strings")
            }
            throw AgentOSAuthError(.invalidToken, "Invalid token: Unsupported critical extension: \(first.prefix(64))")
        }
        self.algorithm = algorithm
        self.keyID = header["kid"]?.stringValue
        self.type = header["typ"]?.stringValue
        self.signature = signature
        self.payloadSegment = segments[1]
        self.signingInputLength = segments[0].utf8.count + 1 + segments[1].utf8.count
    }

    /// Calls `body` with the bytes the signature covers (`header.payload`).
    func withSigningInput<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        var token = token
        return token.withUTF8 { body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0.prefix(signingInputLength)))) }
    }

    /// The decoded payload object.
    func payload() throws(AgentOSAuthError) -> [String: JSONValue] {
        guard let bytes = Base64URL.decode(payloadSegment) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid payload padding")
        }
        guard let object = JSONParser.object(bytes) else {
            throw AgentOSAuthError(.invalidToken, "Invalid token: Invalid payload string: must be a json object")
        }
        return object
    }
}
