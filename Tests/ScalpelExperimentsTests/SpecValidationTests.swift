import Foundation
import Testing
@testable import ScalpelExperiments

/// A spec is refused before any run, with a message naming the field at fault.
@Suite struct SpecValidationTests {
    let dir: String

    init() throws {
        dir = SweepFixtures.tempDir("spec")
        try SweepFixtures.prepare(dir)
    }

    /// The errors of planning `yaml`; nil when it plans.
    func refusal(_ yaml: String) throws -> SpecErrors? {
        do {
            _ = try ExperimentSpec(yaml: yaml).plan()
            return nil
        } catch let e as SpecErrors {
            return e
        }
    }

    @Test func aValidSpecPlansEveryRun() throws {
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan()
        // Per shift and seed: all 3 lr, last 2 lr, l1sp 1 lr × 2 λ = 7 runs.
        #expect(plan.runs.count == 2 * 2 * 7)
        #expect(plan.sessions.count == 2)
        #expect(Set(plan.runs.map(\.key)).count == plan.runs.count)
        #expect(plan.runs.filter { $0.identity.method == "last" }.map(\.identity.learningRate).sorted()
                == [0.01, 0.01, 0.01, 0.01, 0.1, 0.1, 0.1, 0.1])
    }

    @Test func unknownMethodIsNamedByIndex() throws {
        let e = try #require(try refusal(SweepFixtures.spec(dir, methods: "[all, last, foo]")))
        #expect(e.names("methods[2]"))
        #expect(e.description.contains("methods[2]: unknown method 'foo'; expected one of all, last"))
    }

    @Test func selectionIsResolvedAgainstTheCheckpointModel() throws {
        let e = try #require(try refusal(SweepFixtures.spec(dir, methods: "[all, surgical:block3]")))
        #expect(e.names("methods[1]"))
        #expect(e.description.contains("block3"))
        #expect(e.description.contains("mlp2"))
    }

    @Test func missingCheckpointIsNamed() throws {
        let yaml = SweepFixtures.spec(dir).replacingOccurrences(of: "\(dir)/mlp2.safetensors", with: "\(dir)/nope.safetensors")
        let e = try #require(try refusal(yaml))
        #expect(e.names("checkpoints[0]"))
        #expect(e.description.contains("no checkpoint at"))
    }

    @Test func unknownShiftAndBadOptionsAreAllReported() throws {
        let yaml = SweepFixtures.spec(dir).replacingOccurrences(of: "fmnist-flip", with: "fmnist-upside-down")
            + "\nbatch_norm: sometimes\n"
        let e = try #require(try refusal(yaml))
        #expect(e.names("shifts[0]"))
        #expect(e.names("batch_norm"))
        #expect(e.description.contains("unknown shift 'fmnist-upside-down'"))
    }

    @Test func mistypedFieldIsNamedByPath() throws {
        let e = try #require(try refusal(SweepFixtures.spec(dir).replacingOccurrences(
            of: "learning_rates: [1e-2, 1e-3, 1e-4]", with: "learning_rates: [1e-2, fast]")))
        #expect(e.names("learning_rates[1]"))
    }

    @Test func perMethodRatesMustNameAListedMethod() throws {
        let e = try #require(try refusal(SweepFixtures.spec(dir, methods: "[all, l1sp]")))
        #expect(e.names("method_learning_rates.last"))
    }

    /// The command refuses a bad spec before creating the database or running anything.
    @Test func sweepCommandRefusesBeforeAnyRun() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let spec = dir + "/bad.yaml"
        try SweepFixtures.spec(dir, methods: "[all, foo]").write(toFile: spec, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sweep", spec, "--db", dir + "/results.sqlite"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(message.contains("methods[1]: unknown method 'foo'"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/results.sqlite"))
    }
}
