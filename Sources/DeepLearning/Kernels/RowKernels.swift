/// Row copies and row sums by index over row-major tables [rows, width]: the loops of `embedding`
/// (Ops/EmbeddingLookup.swift).
enum RowKernels {
    /// out[k] = table[indices[k]] for every k: out [indices.count, width].
    static func gather(_ table: UnsafePointer<Float>, width: Int, indices: [Int], into out: UnsafeMutablePointer<Float>) {
        for (k, i) in indices.enumerated() { (out + k * width).update(from: table + i * width, count: width) }
    }

    /// table[indices[k]] += rows[k] for every k whose index is not `skipping` (repeated indices accumulate):
    /// rows [indices.count, width].
    static func scatterAdd(_ rows: UnsafePointer<Float>, width: Int, indices: [Int], skipping: Int?,
                           into table: UnsafeMutablePointer<Float>) {
        for (k, i) in indices.enumerated() where i != skipping {
            let dst = table + i * width
            Loops.zip(AddKernel(), dst, 1, rows + k * width, 1, dst, width)
        }
    }
}
