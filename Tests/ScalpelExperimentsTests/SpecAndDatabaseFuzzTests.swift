import Foundation
import ScalpelEngine
import Testing
@testable import ScalpelExperiments

/// Every fuzz case is reproducible from its index: the engine's seeded generator.
typealias FuzzRandom = RandomGenerator

/// Generated hostile sweep specifications (characters deleted or inserted, keys misspelled,
/// values of other types) and results databases (truncated, overwritten bytes): none crashes;
/// every refusal names the file, and a spec's every problem names its field.
@Suite struct SpecAndDatabaseFuzzTests {
    static let directory: String = {
        let dir = SweepFixtures.tempDir("fuzz")
        try! SweepFixtures.prepare(dir)
        return dir
    }()

    static func mutate(_ yaml: String, seed: Int) -> String {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 31)
        var chars = Array(yaml)
        switch seed % 4 {
        case 0:
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !chars.isEmpty {
                chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
            }
        case 1:
            let inserts: [Character] = [":", "[", "]", "{", "-", "\t", "\"", "'", "#", ",", "&", "*", "!", "\n", " "]
            chars.insert(inserts.randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
        case 2:
            let swaps = [("epochs", "epoch"), ("seeds", "sedes"), ("methods", "method"), ("learning_rates", "learning_rate"),
                         ("batch_size", "batchsize"), ("shifts", "shift"), ("data_dir", "datadir"), ("target_sizes", "target_size")]
            let (from, to) = swaps.randomElement(using: &rng)!
            return yaml.replacingOccurrences(of: from + ":", with: to + ":")
        default:
            let values = [("epochs: 2", "epochs: two"), ("batch_size: 8", "batch_size: [8]"), ("seeds: [0, 1]", "seeds: 0"),
                          ("test_per_class: 8", "test_per_class: -8"), ("epochs: 2", "epochs: 99999999999999999999"),
                          ("target_sizes: [4]", "target_sizes: {a: 4}"), ("seeds: [0, 1]", "seeds: [0, 1.5]"),
                          ("epochs: 2", "epochs: 2\nepochs: 3")]
            let (from, to) = values.randomElement(using: &rng)!
            return yaml.replacingOccurrences(of: from, with: to)
        }
        return String(chars)
    }

    @Test(arguments: 0..<120)
    func hostileSpecPlansOrIsRefusedByField(_ seed: Int) throws {
        let source = Self.directory + "/fuzz-\(seed).yaml"
        let yaml = Self.mutate(SweepFixtures.spec(Self.directory), seed: seed)
        do {
            let plan = try ExperimentSpec(yaml: yaml, source: source).plan(source: source)
            #expect(plan.runs.count + plan.adaptationRuns.count <= ExperimentSpec.defaultMaximumRuns)
        } catch let error as SpecErrors {
            #expect(error.source == source && error.description.hasPrefix(source), "\(error)")
            #expect(!error.errors.isEmpty)
        } catch {
            Issue.record("\(type(of: error)): \(error)")
        }
    }

    @Test(arguments: 0..<40)
    func hostileResultsDatabaseOpensOrIsRefusedByName(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 313)
        let path = Self.directory + "/results-\(seed).sqlite"
        _ = try ResultsDatabase(path: path)
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        switch seed % 4 {
        case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        case 1:
            for _ in 0..<Int.random(in: 1...16, using: &rng) {
                bytes[Int.random(in: 0..<min(bytes.count, 100), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 2:
            for _ in 0..<Int.random(in: 1...64, using: &rng) {
                bytes[Int.random(in: 100..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        default: bytes = (0..<Int.random(in: 0...4096, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let database = try ResultsDatabase(readingFrom: path)
            _ = try database.runs()
        } catch let error as ResultsDatabaseError {
            #expect(error.description.contains(path), "\(error)")
        } catch {
            Issue.record("\(path): \(type(of: error)): \(error)")
        }
    }
}
