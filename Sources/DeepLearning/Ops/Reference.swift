/// The plain versions of the library's fused and fast paths, composed from its public ops the way their
/// formulas read (as PyTorch keeps `_single_tensor_adam` beside `_fused_adam`).
///
/// Each fast path (``linear(_:weight:bias:)``, ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``,
/// ``batchNorm(_:runningMean:runningVar:weight:bias:training:momentum:eps:)``, the losses, the recurrent
/// cells and the optimizers) is one op with a hand-written backward pass over raw buffers; its reference here
/// is a few lines of tensor algebra whose gradients come from the ops it is made of. Tests hold each fast
/// path to its reference on random shapes, forward and backward (Tests/DeepLearningTests/ReferenceTests.swift).
/// The references are slower (many ops, many temporaries) but are the place to read the math: each one
/// lives in the file of the op it mirrors.
public enum Reference {}
