import Foundation
import Testing

@testable import AgentOSAuth

@Suite("Token JSON parser")
struct JSONParserTests {
    @Test func parsesTheShapesTokensUse() throws {
        let object = try #require(
            JSONParser.object(
                Array(#"{"sub":"u-1","iat":1700000000,"neg":-2.5e1,"ok":true,"no":false,"nil":null,"scopes":["a:b",""],"o":{"k":[]}}"#.utf8)
            )
        )
        #expect(object["sub"] == .string("u-1"))
        #expect(object["iat"] == .number(1_700_000_000))
        #expect(object["neg"] == .number(-25))
        #expect(object["ok"] == .bool(true) && object["no"] == .bool(false) && object["nil"] == .null)
        #expect(object["scopes"] == .array([.string("a:b"), .string("")]))
        #expect(object["o"] == .object(["k": .array([])]))
    }

    @Test func decodesEscapes() throws {
        let object = try #require(JSONParser.object(Array(#"{"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00 é"}"#.utf8)))
        #expect(object["s"] == .string("a\"b\\c/d\n\té😀 é"))
    }

    @Test func duplicateKeysKeepTheLast() throws {
        // Python's json (and so PyJWT and Agno) keeps the last value.
        #expect(JSONParser.object(Array(#"{"sub":"first","sub":"last"}"#.utf8))?["sub"] == .string("last"))
    }

    @Test(arguments: [
        "", "[]", "\"s\"", "{", "{\"a\":1,}", "{\"a\":1} x", "{\"a\" 1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
        "{\"a\":NaN}", "{\"a\":tru}", "{\"a\":\"\u{01}\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12g4\"}", "{\"a\":\"unterminated}", "{\"a\":1e400}", "{\"a\":[1,]}",
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(JSONParser.object(Array(text.utf8)) == nil)
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(JSONParser.object([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil)
        let deep = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(JSONParser.object(Array(deep.utf8)) == nil)
        let fine = "{\"a\":" + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "}"
        #expect(JSONParser.object(Array(fine.utf8)) != nil)
    }

    @Test func agreesWithJSONSerializationOnTokenPayloads() throws {
        let payload =
            #"{"iss":"https://cp.example","sub":"4f6c","aud":["prod","x"],"iat":1763700000,"exp":1763703600.5,"scopes":["agents:read"],"name":"Zoë"}"#
        let ours = try #require(JSONParser.object(Array(payload.utf8)))
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        #expect(Set(ours.keys) == Set(foundation.keys))
        #expect(ours["name"]?.stringValue == foundation["name"] as? String)
        #expect(ours["exp"]?.numberValue == (foundation["exp"] as? NSNumber)?.doubleValue)
        #expect(ours["iat"]?.numberValue == (foundation["iat"] as? NSNumber)?.doubleValue)
    }

    /// The public entry point takes any one JSON value, with the same strictness as token objects.
    @Test func publicParsingTakesAnyOneValue() {
        #expect(JSONValue(parsing: Array(#" [1, "a", null] "#.utf8)) == .array([.number(1), .string("a"), .null]))
        #expect(JSONValue(parsing: Array("true".utf8)) == .bool(true))
        #expect(JSONValue(parsing: Array(#"{"a":1}"#.utf8)) == .object(["a": .number(1)]))
        #expect(JSONValue(parsing: Array(#"{"a":1} {}"#.utf8)) == nil)
        #expect(JSONValue(parsing: []) == nil)
    }
}
