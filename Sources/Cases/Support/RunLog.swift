import DeepLearning
import Foundation

/// The record of one training run, written to `runs/<case>/`: `metrics.csv` (one row per epoch) and PNG
/// plots of each metric family, rewritten after every epoch so an interrupted run still leaves them.
public final class RunLog {
    public let directory: String
    let columns: [String]
    var rows: [[Double]] = []

    public init(directory: String, columns: [String]) throws {
        self.directory = directory
        self.columns = columns
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Appends a row (values in `columns` order) and rewrites the CSV and the plots.
    public func append(_ row: [Double], plots: [(file: String, title: String, yLabel: String, series: [String])]) throws {
        require(row.count == columns.count, "RunLog.append: \(row.count) values for \(columns.count) columns")
        rows.append(row)
        var csv = columns.joined(separator: ",") + "\n"
        for r in rows { csv += r.map { String(format: "%.6g", $0) }.joined(separator: ",") + "\n" }
        try csv.write(toFile: directory + "/metrics.csv", atomically: true, encoding: .utf8)
        for plot in plots { try writePlot(plot.file, title: plot.title, yLabel: plot.yLabel, series: plot.series) }
    }

    /// Values of one column.
    public func column(_ name: String) -> [Double] {
        guard let i = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    func writePlot(_ file: String, title: String, yLabel: String, series: [String]) throws {
        var plot = LinePlot(title: title, xLabel: columns[0], yLabel: yLabel)
        let x = column(columns[0])
        for s in series { plot.add(series: s, x: x, y: column(s)) }
        try plot.write(toPath: directory + "/" + file, width: 640, height: 400)
    }
}
