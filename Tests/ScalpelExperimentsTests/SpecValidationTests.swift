import Foundation
import XCTest
@testable import ScalpelExperiments

/// A spec is refused before any run, with a message naming the field at fault.
final class SpecValidationTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = SweepFixtures.tempDir("spec")
        try SweepFixtures.prepare(dir)
    }

    func refusal(_ yaml: String) -> SpecErrors? {
        do {
            _ = try ExperimentSpec(yaml: yaml).plan()
            return nil
        } catch let e as SpecErrors {
            return e
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testAValidSpecPlansEveryRun() throws {
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan()
        // Per shift and seed: all 3 lr, last 2 lr, l1sp 1 lr × 2 λ = 7 runs.
        XCTAssertEqual(plan.runs.count, 2 * 2 * 7)
        XCTAssertEqual(plan.sessions.count, 2)
        XCTAssertEqual(Set(plan.runs.map(\.key)).count, plan.runs.count)
        XCTAssertEqual(plan.runs.filter { $0.identity.method == "last" }.map(\.identity.learningRate).sorted(), [0.01, 0.01, 0.01, 0.01, 0.1, 0.1, 0.1, 0.1])
    }

    func testUnknownMethodIsNamedByIndex() throws {
        let e = try XCTUnwrap(refusal(SweepFixtures.spec(dir, methods: "[all, last, foo]")))
        XCTAssertTrue(e.names("methods[2]"), "\(e)")
        XCTAssertTrue(e.description.contains("methods[2]: unknown method 'foo'; expected one of all, last"), "\(e)")
    }

    func testSelectionIsResolvedAgainstTheCheckpointModel() throws {
        let e = try XCTUnwrap(refusal(SweepFixtures.spec(dir, methods: "[all, surgical:block3]")))
        XCTAssertTrue(e.names("methods[1]"), "\(e)")
        XCTAssertTrue(e.description.contains("block3"), "\(e)")
        XCTAssertTrue(e.description.contains("mlp2"), "\(e)")
    }

    func testMissingCheckpointIsNamed() throws {
        let yaml = SweepFixtures.spec(dir).replacingOccurrences(of: "\(dir)/mlp2.safetensors", with: "\(dir)/nope.safetensors")
        let e = try XCTUnwrap(refusal(yaml))
        XCTAssertTrue(e.names("checkpoints[0]"), "\(e)")
        XCTAssertTrue(e.description.contains("no checkpoint at"), "\(e)")
    }

    func testUnknownShiftAndBadOptionsAreAllReported() throws {
        let yaml = SweepFixtures.spec(dir).replacingOccurrences(of: "fmnist-flip", with: "fmnist-upside-down")
            + "\nbatch_norm: sometimes\n"
        let e = try XCTUnwrap(refusal(yaml))
        XCTAssertTrue(e.names("shifts[0]"), "\(e)")
        XCTAssertTrue(e.names("batch_norm"), "\(e)")
        XCTAssertTrue(e.description.contains("unknown shift 'fmnist-upside-down'"), "\(e)")
    }

    func testMistypedFieldIsNamedByPath() throws {
        let e = try XCTUnwrap(refusal(SweepFixtures.spec(dir).replacingOccurrences(of: "learning_rates: [1e-2, 1e-3, 1e-4]",
                                                                                     with: "learning_rates: [1e-2, fast]")))
        XCTAssertTrue(e.names("learning_rates[1]"), "\(e)")
    }

    func testPerMethodRatesMustNameAListedMethod() throws {
        let e = try XCTUnwrap(refusal(SweepFixtures.spec(dir, methods: "[all, l1sp]")))
        XCTAssertTrue(e.names("method_learning_rates.last"), "\(e)")
    }

    /// The command refuses a bad spec before creating the database or running anything.
    func testSweepCommandRefusesBeforeAnyRun() throws {
        let binary = try XCTUnwrap(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
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
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(message.contains("methods[1]: unknown method 'foo'"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/results.sqlite"))
    }
}
