/// A `.pth` file that cannot be read: which file, where in it (an archive entry, a pickle
/// offset, a tensor name) and what is wrong.
public struct PyTorchCheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file concerned (as given by the caller).
    public let path: String
    /// What is wrong, in words; names the global, entry, opcode or tensor concerned.
    public let reason: String

    /// A problem with the file at `path`.
    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    /// "PyTorch checkpoint PATH: REASON".
    public var description: String { "PyTorch checkpoint \(path): \(reason)" }
}

/// A problem not yet attached to a file (thrown inside the readers, given the path on the way out).
struct Malformed: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
