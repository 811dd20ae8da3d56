import Foundation
import Testing
@testable import PyTorchCheckpoint

/// Pickles that name code are refused by the global's full name before anything is built
/// (the files were written byte by byte by scripts/fixtures/pth.py, never unpickled).
@Suite struct RefusalTests {
    @Test(arguments: [("evil_zip.pth", "os.system"), ("evil_legacy.pth", "os.system"),
                      ("evil_stack_global.pth", "builtins.eval")])
    func otherGlobalsAreRefusedByName(file: String, global: String) throws {
        let error = #expect(throws: PyTorchCheckpointError.self) { try PyTorchCheckpoint(contentsOf: fixture(file)) }
        #expect(error?.path == fixture(file))
        #expect(error?.description.contains("refuses global '\(global)'") == true)
    }

    @Test func aWholeModuleSavedWithTorchSaveIsRefusedByItsClass() throws {
        // torch.save(model) pickles the model's class: the first global it names is refused.
        let pickle: [UInt8] = [0x80, 0x02] + Array("ctorchvision.models.resnet\nResNet\n".utf8) + [0x29, 0x81, 0x2E]
        let error = readError(pickle)
        #expect(error?.reason.contains("refuses global 'torchvision.models.resnet.ResNet'") == true)
    }

    @Test func storagesCannotBeCalled() {
        let pickle: [UInt8] = [0x80, 0x02] + Array("ctorch\nFloatStorage\n".utf8) + [0x29, 0x52, 0x2E]
        #expect(readError(pickle)?.reason.contains("torch.FloatStorage cannot be called") == true)
    }

    @Test func refusedOpcodesAreNamed() {
        let pickle: [UInt8] = [0x80, 0x02, 0x8F, 0x2E]  // EMPTY_SET
        #expect(readError(pickle)?.reason.contains("EMPTY_SET") == true)
    }

    @Test func notAPyTorchFile() {
        #expect(readError(Array("{\"a\": 1}".utf8))?.reason.contains("neither a zip archive nor a pickle") == true)
        #expect(readError([])?.path == "case.pth")
    }
}
