/// The eigendecomposition of a real symmetric matrix, A = V·diag(λ)·Vᵀ, by the cyclic Jacobi method
/// (Golub & Van Loan, *Matrix Computations*, §8.5): plane rotations zero the off-diagonal entries one pair
/// at a time until they are negligible; their product is V. In Double, for the small matrices of sample
/// statistics (a few hundred rows); O(n³) per sweep, typically 6–10 sweeps.
public struct SymmetricEigen {
    /// Size n of the n × n matrix.
    public let n: Int
    /// Eigenvalues λ, ascending.
    public let values: [Double]
    /// Eigenvectors as the columns of V, row-major n × n: V[i, k] = vectors[i·n + k] belongs to values[k].
    public let vectors: [Double]

    /// Decomposes the symmetric n × n matrix `matrix` (row-major; only its symmetric part is read, ½(A + Aᵀ)).
    /// Stops with a message when the count is not n².
    public init(_ matrix: [Double], n: Int) {
        require(n >= 1 && matrix.count == n * n, "SymmetricEigen: \(matrix.count) entries for a \(n) × \(n) matrix")
        self.n = n
        var a = matrix
        for i in 0..<n { for j in (i + 1)..<n { let s = 0.5 * (a[i * n + j] + a[j * n + i]); a[i * n + j] = s; a[j * n + i] = s } }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<n { off += 2 * a[i * n + j] * a[i * n + j] } }
            if off <= 1e-30 * scale || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    // The rotation (c, s) with tan 2θ = 2·a_pq / (a_qq − a_pp) that zeroes a_pq.
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {  // columns p and q: A ← A·J
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {  // rows p and q: A ← Jᵀ·A
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {  // V ← V·J
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
        values = order.map { a[$0 * n + $0] }
        var sorted = [Double](repeating: 0, count: n * n)
        for (k, column) in order.enumerated() { for i in 0..<n { sorted[i * n + k] = v[i * n + column] } }
        vectors = sorted
    }

    /// V·diag(f(λ))·Vᵀ, row-major n × n: a function of the matrix (f = √ gives the square root of a
    /// positive semi-definite matrix).
    public func applying(_ f: (Double) -> Double) -> [Double] {
        let fv = values.map(f)
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var s = 0.0
                for k in 0..<n { s += vectors[i * n + k] * fv[k] * vectors[j * n + k] }
                result[i * n + j] = s
                result[j * n + i] = s
            }
        }
        return result
    }
}
