/// The `SCALPEL_THREADS` setting, checked: a program can refuse a value that is not a thread
/// count instead of silently using the default.
extension Engine {
    /// The largest thread count accepted from `SCALPEL_THREADS`.
    public static let maximumThreads = 1024

    /// The thread count `SCALPEL_THREADS` asks for, nil when it is unset or empty; throws an
    /// `EngineSettingError` when it is set to anything but an integer in 1...`maximumThreads`.
    public static func threadsFromEnvironment() throws -> Int? {
        guard let text = getenvString("SCALPEL_THREADS"), !text.isEmpty else { return nil }
        guard let n = Int(text), (1...maximumThreads).contains(n) else {
            throw EngineSettingError(variable: "SCALPEL_THREADS", value: text,
                                     expected: "an integer in 1...\(maximumThreads)")
        }
        return n
    }
}

/// An engine setting from the environment that is not valid.
public struct EngineSettingError: Error, CustomStringConvertible, Equatable {
    /// The environment variable that was read (`SCALPEL_THREADS`).
    public let variable: String
    /// Its value as found.
    public let value: String
    /// What a valid value looks like (`an integer in 1...1024`).
    public let expected: String
    /// `VARIABLE='value': expected …`.
    public var description: String { "\(variable)='\(value)': expected \(expected)" }
}
