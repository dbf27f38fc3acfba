// Comparisons give masks (1 where true, 0 where false) with broadcasting; they are not differentiable.
// `where` selects between two tensors by a mask and is differentiable in both.


struct GreaterKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { FloatVector(repeating: 0).replacing(with: 1, where: a .> b) } }
struct GreaterEqualKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { FloatVector(repeating: 0).replacing(with: 1, where: a .>= b) } }
struct EqualKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { FloatVector(repeating: 0).replacing(with: 1, where: a .== b) } }
struct SelectKernel: BinaryKernel {
    // a: mask, b: value; returns value where mask != 0 else 0
    @inline(__always) func apply(_ m: FloatVector, _ v: FloatVector) -> FloatVector { FloatVector(repeating: 0).replacing(with: v, where: m .!= 0) }
}

extension Tensor {
    /// 1 where a > b.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { broadcasting(GreaterKernel(), a, b, op: "greater") }
    /// 1 where a < b.
    public static func .< (a: Tensor, b: Tensor) -> Tensor { broadcasting(GreaterKernel(), b, a, op: "less") }
    /// 1 where a ≥ b.
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { broadcasting(GreaterEqualKernel(), a, b, op: "greaterEqual") }
    /// 1 where a ≤ b.
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { broadcasting(GreaterEqualKernel(), b, a, op: "lessEqual") }
    /// 1 where a = b.
    public static func .== (a: Tensor, b: Tensor) -> Tensor { broadcasting(EqualKernel(), a, b, op: "equal") }
    /// 1 where a ≠ b.
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { 1 - (a .== b) }

    /// 1 where a > b, else 0 (a's shape; no gradient).
    public static func .> (a: Tensor, b: Float) -> Tensor { a .> Tensor(b) }
    /// 1 where a < b, else 0 (a's shape; no gradient).
    public static func .< (a: Tensor, b: Float) -> Tensor { a .< Tensor(b) }
    /// 1 where a ≥ b, else 0 (a's shape; no gradient).
    public static func .>= (a: Tensor, b: Float) -> Tensor { a .>= Tensor(b) }
    /// 1 where a ≤ b, else 0 (a's shape; no gradient).
    public static func .<= (a: Tensor, b: Float) -> Tensor { a .<= Tensor(b) }
    /// 1 where a = b, else 0 (a's shape; no gradient).
    public static func .== (a: Tensor, b: Float) -> Tensor { a .== Tensor(b) }
    /// 1 where a ≠ b, else 0 (a's shape; no gradient).
    public static func .!= (a: Tensor, b: Float) -> Tensor { a .!= Tensor(b) }

    /// Elements of `a` where `condition` is non-zero, of `b` elsewhere (all three broadcast together), as
    /// `torch.where`. The gradient goes to `a` where the condition holds and to `b` elsewhere.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let mask = withNoGrad { condition.detached() .!= 0 }
        let keep = withNoGrad { broadcasting(SelectKernel(), mask, a.detached(), op: "where") }
        let other = withNoGrad { broadcasting(SelectKernel(), 1 - mask, b.detached(), op: "where") }
        var out = withNoGrad { keep + other }
        if shouldRecord(a, b) {
            out.attach("where", a, b) { g in
                [a.requiresGrad ? broadcasting(SelectKernel(), mask, g, op: "where").sum(toShape: a.shape) : nil,
                 b.requiresGrad ? broadcasting(SelectKernel(), 1 - mask, g, op: "where").sum(toShape: b.shape) : nil]
            }
        }
        return out
    }
}
