/// A distribution shift, named by one string that every command accepts (`--shift SPEC`).
///
///     fmnist-c:<corruption>:<severity>          input-level: Fashion-MNIST → corrupted Fashion-MNIST test images
///     mnist-c:<corruption>:<severity>           input-level: the same on MNIST-5k
///     cifar10-c:<dir>:<corruption>:<severity>   input-level: CIFAR-10 → CIFAR-10-C as published, from <dir>
///     fmnist-subpop[:<grouping>]                feature-level: superclasses, disjoint subclasses (BREEDS style)
///     mnist-subpop[:<grouping>]                 feature-level: the same on digits
///     fmnist-flip                               output-level: labels y → 9 − y on the target
///     fmnist-spurious[:<p>][:stripes|corner][:<classes>|<classes>]
///                                               output-level: spurious attribute, p of source agrees with the label
///     mnist-to-digits                           natural: MNIST-5k → UCI digits redrawn at 28×28
///     data:<path>[:source=<path>][:corrupt=<corruption>:<severity>]
///                                               your data (image folder, .npz, …; see ``UserShift``)
///
/// `<grouping>` is `|`-separated superclasses of `,`-separated subclasses, source and target
/// parts split by `/` (e.g. `0,2/4,6|1/3|5,7/9|8a/8b`); see ``SubpopulationGrouping``.
public enum ShiftSpec: Sendable, Equatable, CustomStringConvertible {
    /// A base data set a synthetic shift is built on.
    public enum Base: String, Sendable { case fashionMNIST = "fmnist", mnist5k = "mnist" }

    /// Corruption `name` at `severity` applied to the base's held-out images.
    case corruption(base: Base, name: String, severity: Int)
    /// Published CIFAR-10-C files in `directory`.
    case cifar10C(directory: String, name: String, severity: Int)
    /// Superclasses whose source and target subclasses are disjoint.
    case subpopulation(base: Base, grouping: SubpopulationGrouping)
    /// Fashion-MNIST with the target's labels flipped, y → K − 1 − y.
    case labelFlip
    /// A binary Fashion-MNIST task with a synthetic attribute spuriously correlated with the label.
    case spurious(SpuriousConfig)
    /// MNIST-5k → UCI digits.
    case mnistToDigits
    /// The user's own data as the target (see ``UserShift``).
    case userData(UserShift)

    /// The level of the network the paper expects the shift to be best handled at.
    public enum Level: String, Sendable { case input, feature, output, natural }

    /// The level the paper expects: input for corruptions (and user data with a corruption),
    /// feature for subpopulations, output for label flips and spurious attributes, natural otherwise.
    public var level: Level {
        switch self {
        case .corruption, .cifar10C: .input
        case .subpopulation: .feature
        case .labelFlip, .spurious: .output
        case .mnistToDigits: .natural
        case .userData(let shift): shift.corruption == nil ? .natural : .input
        }
    }

    /// The valid forms, for help texts and error messages.
    public static let validForms = [
        "fmnist-c:<corruption>:<severity>", "mnist-c:<corruption>:<severity>",
        "cifar10-c:<dir>:<corruption>:<severity>", "fmnist-subpop[:<grouping>]", "mnist-subpop[:<grouping>]",
        "fmnist-flip", "fmnist-spurious[:<p>][:stripes|corner][:<classes>|<classes>]", "mnist-to-digits",
        "data:<path>[:source=<path>][:corrupt=<corruption>:<severity>]",
    ]

    /// Parses a spec string; unknown or malformed specs throw an error listing the valid forms.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func fail(_ why: String) -> DataError {
            DataError(.invalidSpec, file: "shift '\(text)'",
                      "\(why); valid forms: \(Self.validForms.joined(separator: ", "))")
        }
        func severity(_ s: String) throws -> Int {
            guard let v = Int(s), (1...5).contains(v) else { throw fail("severity '\(s)' is not 1…5") }
            return v
        }
        switch parts[0] {
        case "fmnist-c", "mnist-c":
            guard parts.count == 3 else { throw fail("expected \(parts[0]):<corruption>:<severity>") }
            guard Corruptions.names.contains(parts[1]) else {
                throw fail("unknown corruption '\(parts[1])' (known: \(Corruptions.names.joined(separator: ", ")))")
            }
            self = .corruption(base: parts[0] == "fmnist-c" ? .fashionMNIST : .mnist5k, name: parts[1],
                               severity: try severity(parts[2]))
        case "cifar10-c":
            // The directory may itself contain ':'; corruption and severity are the last two parts.
            guard parts.count >= 4 else { throw fail("expected cifar10-c:<dir>:<corruption>:<severity>") }
            let dir = parts[1..<(parts.count - 2)].joined(separator: ":")
            guard !dir.isEmpty, !parts[parts.count - 2].isEmpty else { throw fail("empty directory or corruption") }
            self = .cifar10C(directory: dir, name: parts[parts.count - 2], severity: try severity(parts[parts.count - 1]))
        case "fmnist-subpop", "mnist-subpop":
            guard parts.count <= 2 else { throw fail("expected \(parts[0])[:<grouping>]") }
            let base: Base = parts[0] == "fmnist-subpop" ? .fashionMNIST : .mnist5k
            let grouping: SubpopulationGrouping
            if parts.count == 2 {
                do { grouping = try SubpopulationGrouping(parsing: parts[1], classCount: 10) } catch let e as DataError {
                    throw fail(e.detail)
                }
            } else {
                grouping = base == .fashionMNIST ? .fashionMNIST : .digits
            }
            self = .subpopulation(base: base, grouping: grouping)
        case "fmnist-flip":
            guard parts.count == 1 else { throw fail("fmnist-flip takes no arguments") }
            self = .labelFlip
        case "fmnist-spurious":
            do { self = .spurious(try SpuriousConfig(parsing: Array(parts.dropFirst()))) } catch let e as DataError {
                throw fail(e.detail)
            }
        case "data":
            self = .userData(try UserShift(parsingBody: String(text.dropFirst(5)), fail: fail))
        case "mnist-to-digits":
            guard parts.count == 1 else { throw fail("mnist-to-digits takes no arguments") }
            self = .mnistToDigits
        default:
            throw fail("unknown shift '\(parts[0])'")
        }
    }

    /// The canonical spec string (parsing it gives back this spec).
    public var description: String {
        switch self {
        case let .corruption(base, name, severity): "\(base.rawValue)-c:\(name):\(severity)"
        case let .cifar10C(directory, name, severity): "cifar10-c:\(directory):\(name):\(severity)"
        case let .subpopulation(base, grouping): "\(base.rawValue)-subpop:\(grouping)"
        case .labelFlip: "fmnist-flip"
        case let .spurious(config): "fmnist-spurious:\(config)"
        case .mnistToDigits: "mnist-to-digits"
        case .userData(let shift): shift.description
        }
    }
}
