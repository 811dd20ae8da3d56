/// An error reading, fetching or building a data set: names the file (or data set) and what is wrong.
///
/// Every reader throws this instead of trapping, so a damaged or foreign file gives a message
/// such as `train-images-idx3-ubyte.gz: truncated: 47040016 pixel bytes announced, 1000 present`.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem it is.
    public enum Kind: String, Sendable {
        /// The file ends before the data its header announces.
        case truncated
        /// The file does not start with the format's magic number or signature.
        case wrongMagic = "wrong magic"
        /// Two counts or shapes that must agree do not.
        case sizeMismatch = "size mismatch"
        /// A value is outside its allowed range or does not parse.
        case badValue = "bad value"
        /// A valid file in a variant this reader does not support.
        case unsupported
        /// A file or directory is missing, or cannot be read or written.
        case io = "i/o"
        /// A data set could not be fetched.
        case fetch
        /// A data set is not in the data directory.
        case notInstalled = "not installed"
        /// A shift spec or option is invalid.
        case invalidSpec = "invalid spec"
    }

    /// The file (path) or data set the error is about.
    public let file: String
    /// What kind of problem it is.
    public let kind: Kind
    /// Human-readable detail.
    public let detail: String

    /// An error of `kind` about `file` (a path or data-set name), with a human-readable `detail`.
    public init(_ kind: Kind, file: String, _ detail: String) {
        self.kind = kind
        self.file = file
        self.detail = detail
    }

    /// `file: kind: detail`, for example `x.gz: truncated: 47040016 pixel bytes announced, 1000 present`.
    public var description: String { "\(file): \(kind.rawValue): \(detail)" }
}
