extension ShiftData {
    /// This shift with its target labels renumbered to a model's class names: target class
    /// `classNames[y]` becomes `modelClassNames.firstIndex(of:)`. Throws naming the classes the
    /// model does not know. The source sets are renumbered the same way when they share the
    /// target's classes.
    public func mappingLabels(onto modelClassNames: [String], model: String) throws -> ShiftData {
        if classNames == modelClassNames { return self }
        let unknown = classNames.filter { !modelClassNames.contains($0) }
        guard unknown.isEmpty else {
            throw DataError(.sizeMismatch, file: model, "the model's classes (\(modelClassNames.prefix(12).joined(separator: ", ")))" +
                            " do not include the target's \(unknown.prefix(12).joined(separator: ", "))")
        }
        let map = classNames.map { modelClassNames.firstIndex(of: $0)! }
        func remap(_ set: ImageSet) -> ImageSet { set.relabeled(classCount: modelClassNames.count) { map[$0] } }
        var out = self
        out.target = TargetSplits(tune: remap(target.tune), validation: remap(target.validation), test: remap(target.test))
        if source.train.classCount == classNames.count { out.source = (remap(source.train), remap(source.test)) }
        out.classNames = modelClassNames
        return out
    }
}
