import DeepLearning
import Foundation

// Helpers of the study cases, which train several models side by side on the same batches and compare them.

/// `count` models from `make`, all holding the first one's initial parameters and buffers, so that a
/// comparison starts every contestant from the same point.
func identicalModels<M: Module>(_ count: Int, _ make: () -> M) -> [M] {
    let models = (0..<count).map { _ in make() }
    let state = Dictionary(uniqueKeysWithValues: models[0].namedState())
    for m in models.dropFirst() { try! m.loadState(state) }  // same architecture: keys and shapes match
    return models
}

/// Recall of each class from a confusion matrix (confusion[true][predicted]): the fraction of its examples
/// predicted as itself; NaN for a class with no examples.
func recalls(_ confusion: [[Int]]) -> [Double] {
    confusion.enumerated().map { c, row in
        let total = row.reduce(0, +)
        return total == 0 ? .nan : Double(row[c]) / Double(total)
    }
}

/// A plain-text table: a header row and rows, columns padded to their widest cell.
func textTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { $0[i].count }.max()! }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0) : c.leftPadded(widths[i]) }
            .joined(separator: "  ")
    }
    return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
        .joined(separator: "\n")
}

/// Means of consecutive windows of `window` values (for readable per-step curves), with the step at the end
/// of each window as x.
func windowMeans(_ values: [Double], window: Int) -> (x: [Double], y: [Double]) {
    var xs: [Double] = [], ys: [Double] = []
    var start = 0
    while start < values.count {
        let end = Swift.min(start + window, values.count)
        xs.append(Double(end))
        ys.append(values[start..<end].reduce(0, +) / Double(end - start))
        start = end
    }
    return (xs, ys)
}

/// Writes `loss.png` in the run directory: each contestant's per-step loss, as means of 20 steps, on a log axis.
func writeStepLosses(_ report: Report, title: String, names: [String], losses: [[Double]]) throws {
    var plot = LinePlot(title: title + ": training loss (mean of 20 steps)", xLabel: "step", yLabel: "cross-entropy")
    plot.logScaleY = true
    for (name, l) in zip(names, losses) {
        let (x, y) = windowMeans(l, window: 20)
        plot.add(series: name, x: x, y: y)
    }
    try plot.write(toPath: report.path("loss.png"), width: 800, height: 500)
}

/// Ends an epoch of a comparison: the metric `prefix + name` of each contestant, and one checkpoint each,
/// `model_<name>.safetensors`.
func endComparisonEpoch<M: Module>(_ report: Report, _ models: [M], _ names: [String], _ prefix: String, _ values: [Double]) throws {
    var row: [String: Double] = [:]
    for (name, v) in zip(names, values) { row[prefix + name] = v }
    try report.endEpoch(row, saving: zip(models, names).map { ($0 as Module, "model_\($1).safetensors") })
}
