#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: bytes go to a fresh temporary file beside the destination, which
/// `commit()` flushes and renames over the destination, and `abandon()` removes.
struct AtomicFileSink {
    let destination: String
    let temporary: String
    private var descriptor: Int32

    init(destination: String) throws {
        self.destination = destination
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[...$0]) } ?? ""
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        var info = stat()
        if stat(destination, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            // Renaming over a device, directory or pipe (or a link to one, e.g. /dev/stdout) would
            // replace it with a regular file.
            throw SafeTensorsError(path: destination, .cannotWrite("it exists and is not a regular file"))
        }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporary = "\(directory).\(base).\(getpid())-\(suffix).tmp"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError(path: destination,
                                   .cannotWrite("cannot create a temporary file in its directory: \(Self.systemError())"))
        }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var start = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = posixWrite(descriptor, start, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError(path: destination, .cannotWrite(Self.systemError()))
            }
            start += n
            remaining -= n
        }
    }

    /// Flushes, closes and renames the temporary file over the destination.
    mutating func commit() throws {
        guard fsync(descriptor) == 0 else {
            throw SafeTensorsError(path: destination, .cannotWrite("fsync: \(Self.systemError())"))
        }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else {
            throw SafeTensorsError(path: destination, .cannotWrite("close: \(Self.systemError())"))
        }
        guard rename(temporary, destination) == 0 else {
            throw SafeTensorsError(path: destination, .cannotWrite("cannot rename the temporary file over it: \(Self.systemError())"))
        }
    }

    /// Closes and removes the temporary file (after an error).
    mutating func abandon() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
        _ = unlink(temporary)
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}

extension AtomicFileSink: ByteSink {}

/// write(2), outside the sink whose `write` method would shadow it.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}
