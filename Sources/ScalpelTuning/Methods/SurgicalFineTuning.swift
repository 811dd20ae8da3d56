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
    /// The selection as given.
    public let selection: Selection
    /// The parameter names the selection resolved to in the model passed to `init`.
    public let parameterNames: Set<String>

    /// Resolves `selection` in `model` (throws `SelectionError` naming what does not exist).
    public init(selection: Selection, model: BlockModel) throws {
        self.selection = selection
        self.parameterNames = try selection.parameterNames(in: model)
    }

    /// The resolved `parameterNames` (resolved at `init`; `model` is not consulted again).
    public func candidates(in model: BlockModel) -> Set<String> { parameterNames }

    /// One run at `point` training only `parameterNames` (and the tuner's `alwaysTrained`);
    /// `selection` in the result is the selection's text.
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        var result = runPolicy(FixedSelection(), candidates: parameterNames, at: point, in: session)
        result.selection = selection.description
        return result
    }
}
