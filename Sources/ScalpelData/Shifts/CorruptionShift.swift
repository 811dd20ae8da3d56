import Dispatch
import Foundation
import ScalpelEngine
import Synchronization

/// Input-level shifts made with ``Corruptions``: the target is a corrupted copy of held-out images.
public enum CorruptionShift {
    /// The seed of the corruption noise: fixed, so a corrupted set is the same in every run, as a
    /// published CIFAR-10-C file is. Image `i` draws from its own derived generator, so the result
    /// does not depend on order or on how the work is spread over threads.
    static let corruptionSeed: UInt64 = 0xC0_DE_C0

    /// Every image of `set` corrupted by `name` at `severity` (labels and groups kept),
    /// computed on all cores.
    public static func corrupt(_ set: ImageSet, name: String, severity: Int) throws -> ImageSet {
        guard set.count > 0 else { return set }
        // Surface a bad name or severity as a thrown error before going parallel.
        var probe = RandomGenerator.derived(seed: corruptionSeed, stream: 0)
        _ = try Corruptions.apply(name: name, to: set.image(0), severity: severity, rng: &probe)
        let size = set.imageSize, n = set.count
        let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: n * size)
        defer { output.deallocate() }
        nonisolated(unsafe) let out = output
        let failure = Mutex<String?>(nil)
        let workers = min(n, max(1, Engine.availableProcessorCount))
        let input = set
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < n {
                var rng = RandomGenerator.derived(seed: corruptionSeed &+ UInt64(severity), stream: UInt64(i))
                do {
                    let image = try Corruptions.apply(name: name, to: input.image(i), severity: severity, rng: &rng)
                    precondition(image.pixels.count == size, "corruption \(name) changed the image size")
                    for j in 0..<size { out[i * size + j] = image.pixels[j] }
                } catch {
                    failure.withLock { $0 = $0 ?? "\(error)" }
                    return
                }
                i += workers
            }
        }
        if let message = failure.withLock({ $0 }) {
            throw DataError(.badValue, file: "corruption \(name)", message)
        }
        var result = set
        result.pixels = Array(output)
        return result
    }
}
