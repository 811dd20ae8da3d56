import Foundation

/// Progress lines of data-set activity (loading, corrupting) on standard error.
enum Shell {
    /// Writes one line to stderr, prefixed so data-set activity is recognisable in a run's log.
    static func log(_ message: String) {
        FileHandle.standardError.write(Data("[scalpel data] \(message)\n".utf8))
    }
}
