import Foundation
import SafeTensors

/// A file written by `torch.save`, read without Python and without executing anything: the zip
/// format of PyTorch 1.6 and later (`archive/data.pkl`, `archive/data/<key>`, `archive/byteorder`)
/// and the legacy format before it (magic number, protocol, system info and object pickles,
/// then the raw storages). The pickle may only name tensor rebuild functions, storages and
/// `collections.OrderedDict`; any other global is refused by name.
///
/// `root` is everything the file holds; `stateDict(_:)` finds the tensors of a model in it.
public struct PyTorchCheckpoint: Sendable {
    /// The two container formats of `torch.save`.
    public enum Format: String, Sendable {
        /// PyTorch 1.6 and later (the default of `torch.save`).
        case zip
        /// Before PyTorch 1.6 (`_use_new_zipfile_serialization=False`).
        case legacy
    }

    /// The file's path (or the name given for in-memory bytes); errors mention it.
    public let path: String
    /// Which of the two formats the file is in.
    public let format: Format
    /// The object that was saved.
    public let root: CheckpointValue

    /// At most this many objects are built from one pickle (shared references count each time).
    static let maxObjects = 1 << 22

    /// Reads the `.pth` file at `path`.
    public init(contentsOf path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PyTorchCheckpointError(path: path, isDirectory.boolValue ? "is a directory" : "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw PyTorchCheckpointError(path: path, "cannot read the file: \((error as NSError).localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Reads `.pth` bytes held in memory; `path` names them in errors.
    public init(bytes: [UInt8], path: String = "<memory>") throws {
        self.path = path
        do {
            if ZipArchive.looksLikeZip(bytes) {
                format = .zip
                root = try Self.readZip(bytes)
            } else if bytes.first == 0x80 {
                format = .legacy
                root = try Self.readLegacy(bytes)
            } else if bytes.count > 262, Array(bytes[257..<262]) == Array("ustar".utf8) {
                throw Malformed("is a tar archive: PyTorch's format before 0.4 is not read; re-save it with a recent PyTorch")
            } else {
                throw Malformed("is neither a zip archive nor a pickle (not written by torch.save?)")
            }
        } catch let problem as Malformed {
            throw PyTorchCheckpointError(path: path, problem.reason)
        }
    }

    /// Whether `prefix` (at least the first 9 bytes of a file) looks like a `.pth` file of either
    /// format. A safetensors file, whose 9th byte opens its JSON header (`{`), never does, even when
    /// its header length happens to start like a zip signature or a pickle's PROTO opcode.
    public static func looksLikePyTorch(_ prefix: [UInt8]) -> Bool {
        if prefix.count >= 9, prefix[8] == UInt8(ascii: "{") { return false }
        return ZipArchive.looksLikeZip(prefix) || (prefix.count >= 2 && prefix[0] == 0x80 && (2...5).contains(prefix[1]))
    }

    private static func readZip(_ bytes: [UInt8]) throws(Malformed) -> CheckpointValue {
        let archive = try ZipArchive(bytes)
        let pickles = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw Malformed(pickles.isEmpty ? "zip archive has no '<name>/data.pkl' (not written by torch.save?)"
                            : "zip archive has \(pickles.count) data.pkl entries")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let i = archive.index[prefix + "byteorder"] {
            let order = String(decoding: try archive.contents(of: archive.entries[i]), as: UTF8.self)
            guard order == "little" else { throw Malformed("byteorder is '\(order)'; only little-endian files are read") }
        }
        var cursor = ByteCursor(try archive.contents(of: pickle))
        var machine = PickleMachine()
        let object: PickleValue
        do { object = try machine.run(&cursor) } catch { throw Malformed("\(pickle.name): \(error.reason)") }
        let heap = machine.heap
        var cache: [String: [UInt8]] = [:]
        var builder = TreeBuilder(heap: heap, budget: maxObjects) { (s: Int) throws(Malformed) -> ArraySlice<UInt8> in
            let storage = heap.storages[s]
            let name = prefix + "data/" + storage.key
            if cache[storage.key] == nil {
                guard let i = archive.index[name] else { throw Malformed("storage '\(storage.key)' has no entry '\(name)'") }
                let data = try archive.contents(of: archive.entries[i])
                guard data.count == storage.count * storage.dtype.size else {
                    throw Malformed("entry '\(name)' holds \(data.count) bytes; \(storage.count) × \(storage.dtype) needs \(storage.count * storage.dtype.size)")
                }
                cache[storage.key] = data
            }
            return viewBytes(cache[storage.key]![...], storage)
        }
        return try builder.build(object)
    }

    /// The magic number pickle that starts a legacy file (`0x1950a86a20f9469cfc6c`, protocol 2).
    private static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    private static func readLegacy(_ bytes: [UInt8]) throws(Malformed) -> CheckpointValue {
        var cursor = ByteCursor(bytes)
        var scratch = PickleMachine()
        func small(_ what: String) throws(Malformed) -> PickleValue {
            do { return try scratch.run(&cursor) } catch { throw Malformed("\(what) pickle: \(error.reason)") }
        }
        guard case .bigInt(let magic) = try small("magic number"), magic == legacyMagic else {
            throw Malformed("does not start with PyTorch's magic number (not written by torch.save?)")
        }
        guard case .int(let version) = try small("protocol version"), version == 1001 else {
            throw Malformed("legacy protocol version is not 1001")
        }
        guard case .dict(let info) = try small("system info"),
              let little = scratch.heap.dicts[info].index[.string("little_endian")] else {
            throw Malformed("system info is not a dict with 'little_endian'")
        }
        guard case .bool(true) = scratch.heap.dicts[info].values[little] else {
            throw Malformed("was saved on a big-endian machine; only little-endian files are read")
        }
        var machine = PickleMachine()
        let object: PickleValue
        do { object = try machine.run(&cursor) } catch { throw Malformed("object pickle: \(error.reason)") }
        let heap = machine.heap
        var keysMachine = PickleMachine()
        let keysValue: PickleValue
        do { keysValue = try keysMachine.run(&cursor) } catch { throw Malformed("storage key pickle: \(error.reason)") }
        guard case .list(let l) = keysValue else { throw Malformed("storage keys are a \(keysValue.kind), not a list") }
        var ranges: [String: Range<Int>] = [:]
        for item in keysMachine.heap.lists[l] {
            guard case .string(let key) = item else { throw Malformed("a storage key is a \(item.kind)") }
            guard let s = heap.rootIndex[key] else { throw Malformed("storage '\(key)' is listed but never used") }
            guard ranges[key] == nil else { throw Malformed("storage '\(key)' is listed twice") }
            let storage = heap.storages[s]
            let count = try cursor.int(8, "element count of storage '\(key)'")
            guard count == Int64(storage.count) else {
                throw Malformed("storage '\(key)' holds \(count) elements; the pickle declares \(storage.count)")
            }
            ranges[key] = try cursor.range(storage.count * storage.dtype.size, "storage '\(key)'")
        }
        var builder = TreeBuilder(heap: heap, budget: maxObjects) { (s: Int) throws(Malformed) -> ArraySlice<UInt8> in
            let storage = heap.storages[s]
            guard let range = ranges[storage.key] else { throw Malformed("storage '\(storage.key)' is not in the file") }
            return viewBytes(bytes[range], storage)
        }
        return try builder.build(object)
    }

    /// The bytes of a storage's view (the whole storage when it is not a view).
    private static func viewBytes(_ all: ArraySlice<UInt8>, _ storage: StorageReference) -> ArraySlice<UInt8> {
        guard let view = storage.view else { return all }
        let e = storage.dtype.size
        return all[(all.startIndex + view.lowerBound * e)..<(all.startIndex + view.upperBound * e)]
    }
}
