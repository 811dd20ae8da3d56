import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// The training pass of one epoch of the protocol, shared by `FineTuner` and `ResumableRun`
/// (so a resumed run and a plain run do the same arithmetic): the model in training mode
/// (`options.batchNorm`), the tuning examples shuffled by `rng`, in batches of
/// `options.batchSize`, cropped and flipped when `options.augment` and the examples are
/// images; per batch L = cross-entropy(model(x), y) (+ `regularizer(model)`), ∂L by backward,
/// one optimizer step on the trainable parameters.
///
/// Returns the mean training loss over the batches, or nil as soon as a batch's loss diverges
/// (`divergence`; no step is taken on it). `forwarded(n)` is called after each batch's forward
/// pass and `stepped(n)` after its step, with the batch's size, for cost accounting.
func trainOneEpoch(_ model: BlockModel, on tune: ExampleSet, options: TrainingOptions, optimizer: Optimizer,
                   rng: inout RandomGenerator, divergence: inout DivergenceCheck,
                   regularizer: ((BlockModel) -> Tensor?)? = nil,
                   forwarded: (Int) -> Void = { _ in }, stepped: (Int) -> Void = { _ in }) -> Double? {
    let blocks = tune.startBlock..<model.blocks.count
    model.train(batchNorm: options.batchNorm)
    var order = Array(0..<tune.count)
    order.shuffle(using: &rng)
    var lossSum = 0.0
    var batches = 0
    for start in stride(from: 0, to: order.count, by: options.batchSize) {
        let idx = Array(order[start..<min(order.count, start + options.batchSize)])
        var (x, y) = tune.batch(idx)
        if options.augment && tune.startBlock == 0 { x = Augment.randomCrop(x, rng: &rng) }
        var loss = crossEntropy(model.forward(blocks: blocks, x), targets: y)
        if let r = regularizer?(model) { loss = loss + r }
        forwarded(idx.count)
        let value = loss.item
        guard !divergence.trainingLossDiverges(Double(value)) else { return nil }
        model.zeroGrad()
        loss.backward()
        optimizer.step(model.trainableParameters())
        stepped(idx.count)
        lossSum += Double(value)
        batches += 1
    }
    return lossSum / Double(max(batches, 1))
}
