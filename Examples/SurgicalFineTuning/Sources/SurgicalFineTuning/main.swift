import Scalpel

// The pre-trained ResNet-26 (Fashion-MNIST) and where to write the patch.
let arguments = CommandLine.arguments.dropFirst()
let checkpoint = arguments.first ?? "../../checkpoints/resnet26-fmnist.safetensors"
let patchPath = arguments.dropFirst().first ?? ".build/block1.patch.safetensors"
let model = try PretrainedModel(path: checkpoint).model
print("blocks:", model.blockNames.joined(separator: " "))

// Target data: Fashion-MNIST test images under Gaussian noise; 2 per class to tune, 10 per class to test.
let shift = ShiftSpec.corruption(base: .fashionMNIST, name: "gaussian_noise", severity: 5)
let data = try shift.materialize(ShiftOptions(splitSizes: SplitSizes(tune: 2, validation: 1, test: 10)))
let tune = ExampleSet(data.target.tune), test = ExampleSet(data.target.test)

// Surgical fine-tuning: block1 alone trains; BatchNorm keeps its pre-trained statistics.
try model.setTrainable("block1")
print("trainable parameters: \(model.trainableParameterCount) of \(model.parameterCount)")
let before = evaluate(model, on: test)
let optimizer = Adam(learningRate: 1e-3)
model.train(batchNorm: .frozen)
for step in 1...5 {
    model.zeroGrad()
    let loss = crossEntropy(model(tune.inputs), targets: tune.labels)
    loss.backward()
    optimizer.step(model.trainableParameters())
    print("step \(step): loss \(loss.item)")
}
let after = evaluate(model, on: test)
print("test accuracy: \(before.accuracy) before, \(after.accuracy) after")

// Save what changed as a patch, apply it to a fresh copy of the checkpoint, compare the logits.
let manifest = try Patch.create(model: model, baseCheckpointPath: checkpoint, selection: .block("block1"),
                                method: "surgical", to: patchPath)
let restored = try PretrainedModel(path: checkpoint).model
try Patch.apply(patchPath, to: restored, baseCheckpointPath: checkpoint)
model.eval()
restored.eval()
let (tuned, reapplied) = withNoGrad { (model(test.inputs).toArray(), restored(test.inputs).toArray()) }
let difference = zip(tuned, reapplied).map { abs($0 - $1) }.max() ?? 0
print("patch: \(manifest.tensors.count) tensors; largest logit difference after re-applying: \(difference)")
guard difference == 0 else { fatalError("the re-applied patch gives other logits") }
