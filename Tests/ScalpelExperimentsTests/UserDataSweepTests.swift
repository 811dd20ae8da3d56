import Foundation
import ScalpelData
import Testing
@testable import ScalpelExperiments

/// A sweep whose shift is an image folder (`{name:, target:}`) plans, runs, resumes and records
/// its runs under the shift's name, like a built-in shift.
@Suite struct UserDataSweepTests {
    /// 10 classes × 16 PNGs of 28×28 gray: class k bright in rows 2k…2k+3, plus seeded noise.
    static func writeFolder(_ root: String) throws {
        var state: UInt64 = 7
        for k in 0..<10 {
            try FileManager.default.createDirectory(atPath: "\(root)/class\(k)", withIntermediateDirectories: true)
            for i in 0..<16 {
                let pixels = (0..<(28 * 28)).map { p -> UInt8 in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let noise = Int(state >> 59)  // 0…31
                    return UInt8((p / 28) / 2 == k ? 200 + noise : 20 + noise)
                }
                let png = PNGEncoder.encode(width: 28, height: 28, channels: 1, pixels: pixels)
                _ = FileManager.default.createFile(atPath: "\(root)/class\(k)/\(i).png", contents: Data(png))
            }
        }
    }

    @Test func folderShiftRunsResumesAndIsRecordedUnderItsName() throws {
        let dir = SweepFixtures.tempDir("userdata")
        try SweepFixtures.prepare(dir)
        try Self.writeFolder(dir + "/folder")
        let yaml = SweepFixtures.spec(dir, seeds: [0], methods: "[last, l1sp]")
            .replacingOccurrences(of: "shifts: [fmnist-flip, \"fmnist-c:gaussian_noise:3\"]",
                                  with: "shifts: [{name: my-folder, target: \(dir)/folder, corrupt: \"gaussian_noise:2\"}]")
        let plan: SweepPlan
        do { plan = try ExperimentSpec(yaml: yaml).plan() } catch let e as SpecErrors {
            Issue.record("\(e.description)")
            return
        }
        #expect(plan.runs.count == 4)  // last: 2 learning rates; l1sp: 1 learning rate × 2 λ; 1 seed
        let database = try ResultsDatabase(path: dir + "/results.sqlite")
        let first = try SweepRunner(plan: plan, database: database).run()
        #expect(first.ran == 4 && first.failed == 0)
        let records = try database.runs()
        #expect(records.map(\.shift) == Array(repeating: "my-folder", count: 4))
        #expect(records.allSatisfy { $0.status == .done || $0.status == .diverged })
        let again = try SweepRunner(plan: plan, database: database).run()
        #expect(again.ran == 0 && again.skipped == 4)
    }
}
