import HTTPTypes

/// One request of the matrix: an operation of openapi.yaml on an object of the fixture, who may
/// call it, and the status every kind of caller must get.
struct MatrixRow: Sendable, CustomStringConvertible {
    enum Body: Sendable {
        case json(MatrixJSON)
        /// `application/x-www-form-urlencoded`, placeholders (`<name>`) filled in as in paths.
        case form(String)
    }

    /// The operation's `operationId`.
    var operation: String
    /// Which case of the operation, when it has more than one row ("an owner", "another's").
    var variant: String?
    var method: HTTPRequest.Method
    /// The path in the fixture (`acme`, `prod`, …); `<name>` is an id of the fixture.
    var path: String
    var body: Body?
    /// Who may, in words.
    var permission: String
    /// The status for each kind of caller (all twelve).
    var expected: [MatrixCaller: Int]

    init(
        _ operation: String,
        _ method: HTTPRequest.Method,
        _ path: String,
        variant: String? = nil,
        json: MatrixJSON? = nil,
        form: String? = nil,
        may permission: MatrixPermission,
        _ success: Int,
        words: String? = nil,
        except: [MatrixCaller: Int] = [:]
    ) {
        self.operation = operation
        self.variant = variant
        self.method = method
        self.path = path
        self.body = json.map(Body.json) ?? form.map(Body.form)
        self.permission = words ?? permission.words
        var expected: [MatrixCaller: Int] = [:]
        for caller in MatrixCaller.allCases { expected[caller] = permission.status(for: caller, success: success) }
        expected.merge(except) { _, exception in exception }
        self.expected = expected
    }

    var description: String { "\(operation)\(variant.map { " (\($0))" } ?? "") \(method.rawValue) \(path)" }
}
