import Foundation
import Testing
@testable import PyTorchCheckpoint

/// The directory holding the committed fixtures (written by scripts/fixtures/pth.py).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func fixture(_ name: String) -> String { fixtures + "/" + name }

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
}

/// The error a `.pth` reading throws, or nil when it reads.
func readError(_ bytes: [UInt8], path: String = "case.pth") -> PyTorchCheckpointError? {
    do {
        _ = try PyTorchCheckpoint(bytes: bytes, path: path).stateDict()
        return nil
    } catch let error as PyTorchCheckpointError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
