public import Hummingbird
import Logging

/// The request context of the control-plane API.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies over 1 MiB are refused with 413 before decoding.
    public var maxUploadSize: Int { 1 << 20 }
}
