/// The values a checkpoint may hold: every value finite, every BatchNorm running variance ≥ 0.
/// A NaN weight would make every prediction NaN and a negative variance a NaN normalization,
/// silently; the file is refused instead, naming the tensor.
extension Checkpoint {
    /// Throws a `CheckpointValueError` naming `path`, `name` and the first offending index unless
    /// `values` are finite (and ≥ 0 for a `running_var`).
    static func checkValues(_ values: [Float], name: String, path: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointValueError(path: path, tensor: name, index: i, value: values[i], expected: "a finite number")
        }
        if name.hasSuffix("running_var"), let i = values.firstIndex(where: { $0 < 0 }) {
            throw CheckpointValueError(path: path, tensor: name, index: i, value: values[i],
                                       expected: "a variance ≥ 0")
        }
    }
}

/// A checkpoint tensor holding a value no model state may hold.
public struct CheckpointValueError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint or patch file that holds the tensor.
    public let path: String
    /// The tensor's `state_dict` name.
    public let tensor: String
    /// The flat index of the first offending value (logical row-major order).
    public let index: Int
    /// The offending value (NaN, ±inf, or a negative running variance).
    public let value: Float
    /// What the value should have been (`a finite number`, `a variance ≥ 0`).
    public let expected: String

    /// `<path>: tensor '<name>' holds <value> at index <i>; expected <what>`.
    public var description: String {
        "\(path): tensor '\(tensor)' holds \(value) at index \(index); expected \(expected)"
    }
}
