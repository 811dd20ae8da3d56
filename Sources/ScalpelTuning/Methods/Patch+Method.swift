import ScalpelNN

extension MethodSpec {
    /// The selection whose parameters the method may train: the selection of `surgical:SEL`,
    /// the last block for `last`, every parameter for the other methods (which choose among all
    /// of them per block, tensor or epoch).
    public func candidateSelection() throws -> Selection {
        switch kind {
        case .surgical: try Selection(parsing: argument ?? "")
        case .last: .last(1)
        default: .all
        }
    }
}

extension Patch {
    /// Writes a patch of a model fine-tuned by `method` against the checkpoint at
    /// `baseCheckpointPath` (see `create(model:baseCheckpointPath:selection:method:hyperparameters:metrics:to:)`
    /// for what the patch holds), recording the method's canonical text and `selection`, or the
    /// method's candidate selection when `selection` is nil (the block chosen by cross-validation
    /// is what a caller passes).
    @discardableResult
    public static func create(model: Module, baseCheckpointPath: String, selection: Selection? = nil, method: MethodSpec,
                              hyperparameters: [String: String] = [:], metrics: [String: Double] = [:],
                              to path: String) throws -> PatchManifest {
        try create(model: model, baseCheckpointPath: baseCheckpointPath,
                   selection: selection ?? method.candidateSelection(), method: method.description,
                   hyperparameters: hyperparameters, metrics: metrics, to: path)
    }
}
