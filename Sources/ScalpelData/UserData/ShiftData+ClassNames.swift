import Foundation

extension ImageSet {
    /// This set with its labels renumbered from `classNames` (label y is class `classNames[y]`)
    /// onto a model's class names: y becomes `modelClassNames.firstIndex(of: classNames[y])`.
    /// Integer labels (array files, CSV lists of integers: `classNames` "0", "1", …) that are not
    /// all among the model's names are class indices already and keep their values. Throws naming
    /// the classes the model does not know, or an integer label past its outputs.
    public func mappingLabels(named classNames: [String], onto modelClassNames: [String], model: String) throws -> ImageSet {
        if classNames == modelClassNames { return self }
        if classNames == (0..<classNames.count).map(String.init), !Set(classNames).isSubset(of: modelClassNames) {
            guard classNames.count <= modelClassNames.count else {
                throw DataError(.sizeMismatch, file: model, "the model has \(modelClassNames.count) classes; the target's " +
                                "labels go up to \(classNames.count - 1)")
            }
            return relabeled(classCount: modelClassNames.count) { $0 }
        }
        let unknown = classNames.filter { !modelClassNames.contains($0) }
        guard unknown.isEmpty else {
            throw DataError(.sizeMismatch, file: model, "the model's classes (\(modelClassNames.prefix(12).joined(separator: ", ")))" +
                            " do not include the target's \(unknown.prefix(12).joined(separator: ", "))")
        }
        let map = classNames.map { modelClassNames.firstIndex(of: $0)! }
        return relabeled(classCount: modelClassNames.count) { map[$0] }
    }
}

extension ShiftData {
    /// This shift with its target labels renumbered to a model's class names
    /// (`ImageSet.mappingLabels(named:onto:model:)`). Throws naming the classes the model does not
    /// know. The source sets are renumbered the same way when they share the target's classes.
    public func mappingLabels(onto modelClassNames: [String], model: String) throws -> ShiftData {
        if classNames == modelClassNames { return self }
        func remap(_ set: ImageSet) throws -> ImageSet { try set.mappingLabels(named: classNames, onto: modelClassNames, model: model) }
        var out = self
        out.target = TargetSplits(tune: try remap(target.tune), validation: try remap(target.validation), test: try remap(target.test))
        if source.train.classCount == classNames.count { out.source = (try remap(source.train), try remap(source.test)) }
        out.classNames = modelClassNames
        return out
    }
}

extension ShiftData {
    /// The metadata key under which a checkpoint records the class names of its outputs, in
    /// output order, as a JSON list of strings (`scalpel finetune --save`, `scalpel pretrain`).
    public static let classNamesKey = "scalpel.class_names"

    /// The class names recorded in checkpoint `metadata` (`classNamesKey`), nil when none are
    /// recorded. Throws a `DataError` naming `file` and the key unless the entry is a JSON list of
    /// at most `outputs` distinct, non-empty strings (a new head may have more outputs than the
    /// data it was saved with has classes).
    public static func classNames(recordedIn metadata: [String: String], file: String, outputs: Int) throws -> [String]? {
        guard let text = metadata[classNamesKey] else { return nil }
        guard text.utf8.count <= 1 << 24, let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw DataError(.badValue, file: file, "metadata \(classNamesKey): expected a JSON list of strings")
        }
        guard !names.isEmpty, names.count <= outputs else {
            throw DataError(.badValue, file: file, "metadata \(classNamesKey): \(names.count) names for a model with \(outputs) outputs")
        }
        guard names.allSatisfy({ !$0.isEmpty }), Set(names).count == names.count else {
            throw DataError(.badValue, file: file, "metadata \(classNamesKey): a name is empty or listed twice")
        }
        return names
    }
}
