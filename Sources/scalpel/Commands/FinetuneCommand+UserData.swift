import ArgumentParser
import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

/// `finetune` on your own data: split sizes, preprocessing, class names and `--new-head`.
extension FinetuneCommand {
    /// `--new-head` needs 2 or more classes; every method trains the new head besides its own selection.
    func validateNewHead() throws {
        guard let newHead else { return }
        guard (2...100_000).contains(newHead) else { throw ValidationError("--new-head must be 2…100000 classes, got \(newHead)") }
        guard savePatch == nil else { throw ValidationError("--save-patch does not apply with --new-head (the head's shape changes); use --save") }
    }

    /// The shift's data (your data preprocessed as the checkpoint records and the flags say, its
    /// labels in the checkpoint's class order when it records class names) and the model to tune
    /// (with a fresh head for `--new-head`, whose parameter names come back as `fresh`: every run
    /// trains them). Mismatches are errors before any training.
    func targetDataAndModel(shiftSpec: ShiftSpec, pretrained: PretrainedModel) throws
        -> (data: ShiftData, model: BlockModel, fresh: Set<String>, preprocessing: Preprocessing) {
        var isUserData = false
        if case .userData = shiftSpec { isUserData = true }
        var sizes: SplitSizes? = isUserData ? nil : shiftSpec.defaultSplitSizes  // your data: from the data, unless given
        if targetSize != nil || testSize != nil {
            // Your data: a tenth of the tuning size (at least 1) to validate, as the paper's 100 / 10.
            sizes = sizes ?? SplitSizes(tune: targetSize ?? 0, validation: max(1, (targetSize ?? 10) / 10))
            if let targetSize { sizes!.tune = targetSize }
            if let testSize { sizes!.test = testSize }
        }
        let c = pretrained.configuration
        let preprocessing = try userData.preprocessing(checkpointMetadata: pretrained.metadata, checkpoint: checkpoint,
                                                       inChannels: c.inChannels)
        // Read before any image is: a checkpoint's malformed class names are refused first.
        let recordedNames = newHead == nil && isUserData
            ? try ShiftData.classNames(recordedIn: pretrained.metadata, file: checkpoint, outputs: c.classes) : nil
        var data = try shiftSpec.materialize(ShiftOptions(store: DataStore(directory: dataDirectory), seed: splitSeed,
                                                          splitSizes: sizes, preprocessing: preprocessing,
                                                          userData: userData.readOptions(dataDirectory: dataDirectory)))
        // A checkpoint that records its class names takes a target with those names in its own order.
        var mappedByName = false
        if let names = recordedNames {
            data = try data.mappingLabels(onto: names, model: checkpoint)
            mappedByName = true
        }
        var net = pretrained.model
        var fresh = Set<String>()
        let classes = data.target.tune.classCount
        if let newHead {
            guard classes <= newHead else { throw ValidationError("--new-head \(newHead) but \(shiftSpec) has \(classes) classes") }
            let replaced = try pretrained.withNewHead(classes: newHead, seed: headSeed)
            net = replaced.model
            fresh = Set(replaced.fresh).intersection(net.namedParameters().map(\.0))
            print("new head: \(replaced.fresh.joined(separator: ", ")) for \(newHead) classes (seed \(headSeed)), " +
                  "trained in every run")
        } else if mappedByName ? classes > c.classes : classes != c.classes {
            // Without class names to map by, a target with fewer classes than the head would be scored
            // against outputs it never uses ("test 0.00%" on a 2-class shift of a 10-class checkpoint).
            throw ValidationError("--checkpoint has \(c.classes) classes but \(shiftSpec) has \(classes) " +
                                  "(\(data.classNames.prefix(12).joined(separator: ", "))); pass --new-head \(classes) " +
                                  "to train a new last layer")
        }
        let t = data.target.tune
        if isUserData, t.channels != c.inChannels || t.height != c.imageSize || t.width != c.imageSize {
            throw ValidationError("--checkpoint takes \(c.inChannels)×\(c.imageSize)×\(c.imageSize) inputs but the target " +
                                  "images are \(t.channels)×\(t.height)×\(t.width); set --channels, --resize and --crop")
        }
        return (data, net, fresh, preprocessing)
    }
}
