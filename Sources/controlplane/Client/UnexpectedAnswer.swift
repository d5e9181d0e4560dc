/// A success the document does not list for the operation (errors never get here: the middleware
/// has turned every status of 400 or more into the server's message).
struct UnexpectedAnswer: Error, CustomStringConvertible {
    var description: String

    init(_ output: some Sendable) {
        description = "an answer the API document does not describe: \(output)"
    }
}
