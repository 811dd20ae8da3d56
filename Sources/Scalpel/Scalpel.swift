// `import Scalpel`: the core of surgical fine-tuning in one module.
//
// The layers below are separate modules, one per concern, each importable alone:
//   ScalpelEngine      tensors, kernels (oneDNN, BLAS, reference loops), reverse-mode autodiff
//   SafeTensors        the safetensors checkpoint format
//   PyTorchCheckpoint  PyTorch's .pth files (zip and legacy), read without executing anything
//   ScalpelNN          modules and layers, models with named blocks, selections, checkpoints, patches
//   ScalpelOptim       optimizers with PyTorch's update rules
//   ScalpelData        data sets, distribution shifts, splits, augmentations
//   ScalpelTuning      the fine-tuning protocol and the paper's methods
//   ScalpelAdaptation  test-time adaptation (MEMO, TENT)
// Sweeps, the results database and reports are in the `ScalpelExperiments` product.

@_exported import PyTorchCheckpoint
@_exported import SafeTensors
@_exported import ScalpelAdaptation
@_exported import ScalpelData
@_exported import ScalpelEngine
@_exported import ScalpelNN
@_exported import ScalpelOptim
@_exported import ScalpelTuning
