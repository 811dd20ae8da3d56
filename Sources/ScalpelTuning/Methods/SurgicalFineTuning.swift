import ScalpelNN

/// Surgical fine-tuning (the paper's Section 2): train only the parameters of a selection S,
/// keeping every other parameter at its pre-trained value,
///
///     argmin over {θ_i : i ∈ S} of L_tgt(f(θ)),   θ_j = θ⁰_j for j ∉ S.
///
/// `all` is S = every parameter (full fine-tuning), `last` the last block (a linear probe on
/// frozen features), `surgical:block1` one block, and any selection of the selection language.
/// With BatchNorm in eval mode the frozen blocks below S run once per data set (`TuningSession`).
public struct SurgicalFineTuning: FineTuningMethod {
    public let selection: Selection
    public let parameterNames: Set<String>

    /// Resolves `selection` in `model` (throws `SelectionError` naming what does not exist).
    public init(selection: Selection, model: BlockModel) throws {
        self.selection = selection
        self.parameterNames = try selection.parameterNames(in: model)
    }

    public func candidates(in model: BlockModel) -> Set<String> { parameterNames }

    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        var result = runPolicy(FixedSelection(), candidates: parameterNames, at: point, in: session)
        result.selection = selection.description
        return result
    }
}
