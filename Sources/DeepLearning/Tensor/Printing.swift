import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// PyTorch-like text: nested brackets, aligned columns, long dimensions elided with `...`.
    public var description: String {
        let values = scalars
        let edge = 3
        let summarize = values.count > 1000
        let integral = values.allSatisfy { $0 == $0.rounded() && Swift.abs($0) < 1e7 }
        let maxAbs = values.lazy.filter { $0.isFinite }.map { Swift.abs($0) }.max() ?? 0
        let scientific = !integral && (maxAbs >= 1e5 || (maxAbs < 1e-3 && maxAbs > 0))
        func format(_ v: Float) -> String {
            if !v.isFinite { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
            if integral { return String(format: "%.0f.", v) }
            return String(format: scientific ? "%.4e" : "%.4f", v)
        }
        let width = values.map { format($0).count }.max() ?? 1
        let strides = Tensor.contiguousStrides(for: shape)
        func render(_ dim: Int, _ base: Int, _ indent: Int) -> String {
            if dim == shape.count { return String(repeating: " ", count: Swift.max(0, width - format(values[base]).count)) + format(values[base]) }
            let n = shape[dim]
            var indices = Array(0..<n)
            if summarize && n > 2 * edge { indices = Array(0..<edge) + [-1] + Array((n - edge)..<n) }
            let sep = dim == shape.count - 1 ? ", " : "," + String(repeating: "\n", count: shape.count - dim - 1) + String(repeating: " ", count: indent + 1)
            let parts = indices.map { $0 < 0 ? "..." : render(dim + 1, base + $0 * strides[dim], indent + 1) }
            return "[" + parts.joined(separator: sep) + "]"
        }
        let body = render(0, 0, 7)
        let grad = node.map { $0.backwardFn == nil ? ", requiresGrad: true" : ", gradFn: \($0.op)" } ?? ""
        return "tensor(\(body), shape: \(shape)\(grad))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }
}
