/// A matrix drawn as a grid of shaded cells, rendered to PNG: white for 0, dark blue for the largest value,
/// a label beside each row and above each column (one character each fits best, such as the characters of
/// a text whose attention weights the matrix holds: rows = queries, columns = keys).
///
/// ```swift
/// let map = HeatMap(values: weights, rowLabels: prompt.map(String.init), columnLabels: prompt.map(String.init),
///                   title: "layer 1, head 2")
/// try map.write(toPath: "attention.png")
/// ```
public struct HeatMap: Sendable {
    /// values[row][column], ≥ 0 (negative values draw as 0).
    public var values: [[Double]]
    /// One label per row (drawn left of it) and per column (drawn above it, reading upwards).
    public var rowLabels: [String], columnLabels: [String]
    /// Drawn above the grid.
    public var title: String

    /// A heat map of `values` (rows of equal length), one label per row and per column.
    public init(values: [[Double]], rowLabels: [String], columnLabels: [String], title: String = "") {
        let columns = values.first?.count ?? 0
        require(values.allSatisfy { $0.count == columns }, "HeatMap: rows of values have different lengths")
        require(rowLabels.count == values.count && columnLabels.count == columns,
                "HeatMap: \(rowLabels.count) row labels and \(columnLabels.count) column labels for a \(values.count)×\(columns) matrix")
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.title = title
    }

    /// The label drawn for a character: space as `_`, a line break as `/` (the bitmap font has neither).
    public static func label(for character: Character) -> String {
        character == " " ? "_" : character == "\n" ? "/" : String(character)
    }

    /// Image size for cells of `cell` pixels: the grid plus margins for the labels, at least as wide as the title.
    public func size(cell: Int) -> (width: Int, height: Int) {
        let m = margins(cell: cell)
        let grid = m.left + cell * (values.first?.count ?? 0) + 10
        return (Swift.max(grid, 20 + 2 * BitmapFont.width(of: title)), m.top + cell * values.count + 10)
    }

    private func margins(cell: Int) -> (left: Int, top: Int) {
        let longestRow = rowLabels.map { BitmapFont.width(of: $0) }.max() ?? 0
        let longestColumn = columnLabels.map { BitmapFont.width(of: $0) }.max() ?? 0
        return (10 + longestRow * scale(cell) + 6, 30 + longestColumn * scale(cell) + 6)
    }

    private func scale(_ cell: Int) -> Int { Swift.max(1, cell / 10) }

    /// width × height × 3 RGB bytes with cells of `cell` pixels.
    public func render(cell: Int = 12) -> (rgb: [UInt8], width: Int, height: Int) {
        let (width, height) = size(cell: cell)
        let (left, top) = margins(cell: cell)
        let s = scale(cell)
        var canvas = LinePlot.Canvas(width: width, height: height)
        canvas.drawText(title, x: 10, y: 8, scale: 2, color: .black)
        let largest = Swift.max(values.joined().max() ?? 0, 1e-12)
        let dark = LinePlot.RGB(0x08306B)
        for (i, row) in values.enumerated() {
            for (j, v) in row.enumerated() {
                canvas.fill(LinePlot.PixelRect(x: left + j * cell, y: top + i * cell, width: cell, height: cell),
                            color: dark, alpha: Swift.max(0, v) / largest)
            }
        }
        canvas.stroke(LinePlot.PixelRect(x: left - 1, y: top - 1, width: cell * (values.first?.count ?? 0) + 2, height: cell * values.count + 2),
                      color: .black)
        let glyphHeight = BitmapFont.capHeight * s
        for (i, label) in rowLabels.enumerated() {
            canvas.drawText(label, x: left - 4 - BitmapFont.width(of: label) * s, y: top + i * cell + (cell - glyphHeight) / 2, scale: s, color: .black)
        }
        for (j, label) in columnLabels.enumerated() {
            canvas.drawText(label, x: left + j * cell + (cell - glyphHeight) / 2, y: top - 4, scale: s, color: .black, vertical: true)
        }
        return (canvas.pixels, width, height)
    }

    /// Renders the map and writes it atomically as a PNG file.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public func write(toPath path: String, cell: Int = 12) throws {
        let (rgb, width, height) = render(cell: cell)
        try writeAtomically(PNG.encode(rgb: rgb, width: width, height: height), toPath: path)
    }
}
