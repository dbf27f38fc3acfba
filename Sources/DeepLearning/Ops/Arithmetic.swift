import Foundation

// Elementwise binary ops with NumPy broadcasting: +, −, ×, ÷, pow, maximum, minimum.
// Each op's backward rule sits beside its forward, and broadcast gradients are summed back to each
// input's shape.

struct AddKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a + b } }
struct SubKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a - b } }
struct MulKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a * b } }
struct DivKernel: BinaryKernel { @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a / b } }
struct MaxKernel2: BinaryKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a.replacing(with: b, where: (b .> a) .| (b .!= b)) }
}
struct MinKernel2: BinaryKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a.replacing(with: b, where: (b .< a) .| (b .!= b)) }
}
struct PowKernel: BinaryKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        var r = FloatVector()
        for i in 0..<FloatVector.scalarCount { r[i] = powf(a[i], b[i]) }
        return r
    }
}

extension Tensor {
    /// Applies a binary kernel with broadcasting; no autograd.
    static func broadcasting<K: BinaryKernel>(_ k: K, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        if a.shape == b.shape && a.isContiguous && b.isContiguous {
            var out = Tensor(uninitialized: a.shape)
            out.strides = a.strides  // equal shapes: reuse the array, no allocation
            let n = a.count
            Parallel.forEach(n, costPerItem: 1) { r in
                Loops.zip(k, a.pointer + r.lowerBound, 1, b.pointer + r.lowerBound, 1, out.pointer + r.lowerBound, r.count)
            }
            return out
        }
        let shape = broadcastShapes(a.shape, b.shape, op: op)
        let out = Tensor(uninitialized: shape)
        let layout = StridedLayout(shape: shape, strides: [a.broadcastStrides(to: shape), b.broadcastStrides(to: shape), out.strides])
        let n = layout.rowLength
        let sa = layout.strides[0].last!, sb = layout.strides[1].last!
        let pa = a.storage.base + a.offset, pb = b.storage.base + b.offset, po = out.pointer
        Parallel.forEach(layout.rowCount, costPerItem: n) { rows in
            layout.forEachRow(in: rows) { _, o in
                Loops.zip(k, pa + o[0], sa, pb + o[1], sb, po + o[2], n)
            }
        }
        return out
    }

    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        var out = broadcasting(AddKernel(), a, b, op: "add")
        if shouldRecord(a, b) {
            out.attach("add", a, b) { g in [g.sum(toShape: a.shape), g.sum(toShape: b.shape)] }
        }
        return out
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        var out = broadcasting(SubKernel(), a, b, op: "sub")
        if shouldRecord(a, b) {
            out.attach("sub", a, b) { g in [g.sum(toShape: a.shape), b.requiresGrad ? (-g).sum(toShape: b.shape) : nil] }
        }
        return out
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        var out = broadcasting(MulKernel(), a, b, op: "mul")
        if shouldRecord(a, b) {
            out.attach("mul", a, b) { g in
                [a.requiresGrad ? (g * b).sum(toShape: a.shape) : nil, b.requiresGrad ? (g * a).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        var out = broadcasting(DivKernel(), a, b, op: "div")
        if shouldRecord(a, b) {
            out.attach("div", a, b) { g in
                [a.requiresGrad ? (g / b).sum(toShape: a.shape) : nil,
                 b.requiresGrad ? (-g * a / (b * b)).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise power aᵇ with broadcasting. ∂/∂a = b·aᵇ⁻¹ (0 where b = 0), ∂/∂b = aᵇ·ln a (0 where a = 0
    /// and b ≥ 0): the zeros are PyTorch's, where the formulas would give 0·∞ = NaN.
    public static func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = broadcasting(PowKernel(), a, b, op: "pow")
        if shouldRecord(a, b) {
            let y = out.detached()
            out.attach("pow", a, b) { g in
                [a.requiresGrad ? Tensor.where(b .== 0, Tensor(0), g * b * pow(a, b - 1)).sum(toShape: a.shape) : nil,
                 b.requiresGrad ? Tensor.where((a .== 0) * (b .>= 0), Tensor(0), g * y * a.log()).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise maximum, as `torch.maximum`: NaN if either is NaN. Where the two are equal the gradient is
    /// shared equally; where either is NaN both get the whole gradient (PyTorch's rule: a side gets g unless it
    /// is strictly smaller, g/2 on ties).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = broadcasting(MaxKernel2(), a, b, op: "maximum")
        if shouldRecord(a, b) {
            out.attach("maximum", a, b) { g in
                let tie = (a .== b) * 0.5
                return [(g * (1 - (a .< b) - tie)).sum(toShape: a.shape), (g * (1 - (a .> b) - tie)).sum(toShape: b.shape)]
            }
        }
        return out
    }

    /// Elementwise minimum, as `torch.minimum`: NaN if either is NaN; ties share the gradient equally, and
    /// where either is NaN both get the whole gradient.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = broadcasting(MinKernel2(), a, b, op: "minimum")
        if shouldRecord(a, b) {
            out.attach("minimum", a, b) { g in
                let tie = (a .== b) * 0.5
                return [(g * (1 - (a .> b) - tie)).sum(toShape: a.shape), (g * (1 - (a .< b) - tie)).sum(toShape: b.shape)]
            }
        }
        return out
    }

    /// Adds `other` (same shape) into this tensor's storage, copying first if the storage is shared. No
    /// autograd; used for gradient accumulation and by optimizers.
    mutating func addInPlace(_ other: Tensor) {
        require(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        makeUniqueContiguous()
        let o = other.contiguous()
        let dst = pointer, src = UnsafePointer(o.pointer)
        // Split across cores like every element-wise op (gradients of [1024, 512] accumulate here).
        withExtendedLifetime(o) {
            Parallel.forEach(count, costPerItem: 2) { r in
                Loops.zip(AddKernel(), dst + r.lowerBound, 1, src + r.lowerBound, 1, dst + r.lowerBound, r.count)
            }
        }
    }

    // MARK: Scalars on either side

    /// a + b with the scalar broadcast to a's shape.
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    /// a + b with the scalar broadcast to b's shape.
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    /// a − b with the scalar broadcast to a's shape.
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    /// a − b with the scalar broadcast to b's shape.
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    /// a·b with the scalar broadcast to a's shape.
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    /// a·b with the scalar broadcast to b's shape.
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    /// a / b with the scalar broadcast to a's shape.
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    /// a / b with the scalar broadcast to b's shape.
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
    /// Elementwise power with a scalar exponent.
    public func pow(_ exponent: Float) -> Tensor { Tensor.pow(self, Tensor(exponent)) }
    // Compound assignment (`+=`, `x *= 2`) is in Ops/Indexing.swift, with the other writes.
}
