import DeepLearning

/// A programmer error and the message the library must print for it: the table that the exit tests run
/// in a debug build (Tests/DeepLearningTests/ShapeErrorTests.swift) and, through the `error-examples`
/// executable, in a release build (`-O`, where Swift's `precondition` would drop the message).
public struct ErrorExample: Sendable {
    /// Name passed to `error-examples` on the command line.
    public let name: String
    /// Text that standard error must contain.
    public let message: String
    /// Makes the mistake; never returns.
    public let trigger: @Sendable () -> Void

    /// Every example: ``shapeErrors``, then ``emptyDimensions`` (Sources/ErrorExamples/EmptyDimensionExamples.swift).
    public static let all: [ErrorExample] = shapeErrors + emptyDimensions

    /// Shape mismatches, bad indices and misuse of autograd, in the order the tests list them.
    public static let shapeErrors: [ErrorExample] = [
        ErrorExample("matmul-inner", "matmul: [2, 3] × [4, 5]: inner dimensions 3 and 4 differ") {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        },
        ErrorExample("matmul-batch", "matmul: shapes [2] and [3] cannot be broadcast together") {
            _ = Tensor.zeros([2, 3, 4]).matmul(Tensor.zeros([3, 4, 5]))
        },
        ErrorExample("matmul-vectors", "matmul: [3] × [4]: lengths 3 and 4 differ") {
            _ = Tensor.zeros([3]).matmul(Tensor.zeros([4]))
        },
        ErrorExample("add-broadcast", "add: shapes [2, 3] and [4] cannot be broadcast together") {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        },
        ErrorExample("mul-broadcast", "mul: shapes [2, 1, 3] and [4, 2] cannot be broadcast together") {
            _ = Tensor.zeros([2, 1, 3]) * Tensor.zeros([4, 2])
        },
        ErrorExample("reshape", "reshaped(to:): cannot reshape [2, 3] (6 elements) to [4, 2]") {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, 2])
        },
        ErrorExample("reshape-inferred", "reshaped(to:): cannot reshape [2, 3] to [4, -1]") {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, -1])
        },
        ErrorExample("concatenated", "concatenated: shapes [[2, 3], [2, 4]] differ outside axis 0") {
            _ = Tensor.concatenated([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], alongAxis: 0)
        },
        ErrorExample("linear-features", "Linear(4, 3): input of shape [2, 5] has 5 features, expected 4") {
            _ = Linear(4, 3)(Tensor.zeros([2, 5]))
        },
        ErrorExample("backward-non-scalar", "backward: a tensor of shape [2, 3] needs an explicit gradient") {
            (Tensor.ones([2, 3]).requiringGrad() * 2).backward()
        },
        ErrorExample("backward-twice", "backward: a second backward through the graph of sum (shape [])") {
            let loss = (Tensor.ones([3]).requiringGrad() * 2).sum()
            loss.backward()
            loss.backward()
        },
        ErrorExample("index-out-of-range", "subscript: index 3 out of range for axis 1 of shape [2, 3]") {
            _ = Tensor.zeros([2, 3])[.all, 3]
        },
        ErrorExample("in-place-leaf", "-=: in-place update of a leaf that requires grad (shape [2]) outside withNoGrad") {
            var w = Tensor.ones([2]).requiringGrad()
            w -= 1
        },
    ]

    init(_ name: String, _ message: String, trigger: @escaping @Sendable () -> Void) {
        self.name = name
        self.message = message
        self.trigger = trigger
    }

    /// The example called `name`, or nil.
    public static func named(_ name: String) -> ErrorExample? { all.first { $0.name == name } }
}
