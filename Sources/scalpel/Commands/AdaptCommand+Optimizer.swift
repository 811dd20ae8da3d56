import ScalpelAdaptation

extension AdaptCommand {
    /// The optimizer the flags ask for; what they leave out comes from
    /// `AdaptationOptimizer.recommended` for the method and mode (the paper's A.6 settings).
    var chosenOptimizer: AdaptationOptimizer {
        var chosen = AdaptationOptimizer.recommended(method: method, mode: adaptationMode, kind: optimizer)
        if let lr { chosen.learningRate = lr }
        if let weightDecay { chosen.weightDecay = weightDecay }
        chosen.momentum = momentum
        return chosen
    }
}
