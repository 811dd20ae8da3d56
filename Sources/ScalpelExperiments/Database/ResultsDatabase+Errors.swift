import Foundation
import GRDB

extension ResultsDatabase {
    /// Runs `body`, turning SQLite's errors into a `ResultsDatabaseError` that names the database
    /// file (SQLite's own message names none: "file is not a database - while executing …").
    static func naming<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            let what = switch error.resultCode {
            case .SQLITE_NOTADB: "is not an SQLite database"
            case .SQLITE_CANTOPEN: "cannot be opened (\(error.message ?? "no detail"))"
            case .SQLITE_READONLY: "is read-only"
            case .SQLITE_CORRUPT: "is corrupt"
            default: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "no detail")"
            }
            throw ResultsDatabaseError("results database '\(path)' \(what)")
        }
    }

    /// Throws unless the SQLite database in `queue` is empty or already a Scalpel results
    /// database, so that Scalpel's tables are never added to somebody else's SQLite file.
    static func requireEmptyOrScalpel(_ queue: DatabaseQueue, path: String) throws {
        let tables = try naming(path) {
            try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        }
        guard tables.isEmpty || tables.contains("grdb_migrations") && tables.contains("runs") else {
            throw ResultsDatabaseError("'\(path)' is an SQLite database but not a Scalpel results database "
                                       + "(it has the tables \(tables.prefix(5).joined(separator: ", "))); name a new file")
        }
    }
}
