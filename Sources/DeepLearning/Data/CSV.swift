/// A table of numbers read from a comma-separated file, plain or gzip-compressed.
///
/// Every data cell must be a number (anything `Float("...")` accepts, surrounding spaces allowed)
/// and every data row must have the same number of cells. Blank lines are skipped;
/// `\r\n` line endings are accepted.
public struct CSVTable: Sendable, Equatable {
    /// The cells of the header line, when the file was read with `hasHeader: true`.
    /// Its width is not checked against the rows, since some files (like scikit-learn's
    /// iris.csv, whose first line is `150,4,setosa,versicolor,virginica`) keep metadata there.
    public let header: [String]?
    /// The data rows, all of the same width.
    public let rows: [[Float]]

    /// The number of cells in each row (0 for a table without rows).
    public var columnCount: Int { rows.first?.count ?? 0 }

    /// Creates a table from its parts.
    public init(header: [String]?, rows: [[Float]]) {
        self.header = header
        self.rows = rows
    }

    /// Reads a numeric CSV file.
    ///
    /// - Parameters:
    ///   - path: the file to read (plain or gzip-compressed).
    ///   - hasHeader: whether the first non-blank line is a header rather than data.
    /// - Throws: `DataError.fileNotFound`, or `DataError.corrupt` with "line N" in the reason
    ///   for a non-numeric cell or a row whose width differs from the first row's.
    public static func read(atPath path: String, hasHeader: Bool) throws -> CSVTable {
        try parse(readMaybeGzipped(atPath: path), path: path, hasHeader: hasHeader)
    }

    /// Parses the bytes of a numeric CSV file; `path` is only used in error messages.
    public static func parse(_ data: [UInt8], path: String, hasHeader: Bool) throws -> CSVTable {
        var header: [String]? = nil
        var rows: [[Float]] = []
        var lineNumber = 0
        // Split on the newline byte: in a Swift String, "\r\n" is one Character, not two.
        for lineBytes in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(decoding: lineBytes, as: UTF8.self)
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            if cells.count == 1 && cells[0].isEmpty { continue }  // blank line

            if hasHeader && header == nil && rows.isEmpty {
                header = cells.map { String(unquoted($0)) }
                continue
            }
            if let width = rows.first?.count, cells.count != width {
                throw DataError.corrupt(path: path, offset: nil,
                                        reason: "line \(lineNumber) has \(cells.count) cells, expected \(width)")
            }
            var row: [Float] = []
            row.reserveCapacity(cells.count)
            for (column, cell) in cells.enumerated() {
                guard let value = Float(cell) else {
                    throw DataError.corrupt(path: path, offset: nil, reason:
                        "line \(lineNumber), column \(column + 1): \"\(cell)\" is not a number")
                }
                row.append(value)
            }
            rows.append(row)
        }
        return CSVTable(header: header, rows: rows)
    }
}

extension CSVTable {
    /// The index of the column whose header cell is `name`.
    /// - Throws: `DataError.corrupt` naming the columns there are, when the table has no header or no such column.
    public func columnIndex(_ name: String, path: String = "CSV table") throws -> Int {
        guard let header, let i = header.firstIndex(of: name) else {
            throw DataError.corrupt(path: path, offset: nil, reason: "no column \"\(name)\" among \(header ?? [])")
        }
        return i
    }

    /// The given columns (negative counts from the end) as a tensor [rows, columns.count].
    public func tensor(columns: [Int]) -> Tensor {
        let columns = columns.map { c -> Int in
            let j = c < 0 ? c + columnCount : c
            require(j >= 0 && j < columnCount, "CSVTable.tensor(columns:): column \(c) out of range for \(columnCount) columns")
            return j
        }
        return Tensor(rows.flatMap { row in columns.map { row[$0] } }, shape: [rows.count, columns.count])
    }

    /// Features and labels for training, as `TensorDataset(inputs: table[:, features], labels: table[:, label])`:
    /// inputs [rows, features.count] (every column but the label's when `features` is nil) and labels [rows]
    /// (class indices as Floats, or regression targets). Negative column numbers count from the end.
    public func dataset(features: [Int]? = nil, label: Int) -> TensorDataset {
        let l = label < 0 ? label + columnCount : label
        let f = features ?? (0..<columnCount).filter { $0 != l }
        return TensorDataset(inputs: tensor(columns: f), labels: tensor(columns: [label]).reshaped(to: [rows.count]))
    }

    /// ``dataset(features:label:)`` with columns named by the header: `dataset(features: ["sepal_length",
    /// "petal_width"], label: "species")`. Throws when a name is not in the header.
    public func dataset(features: [String]? = nil, label: String) throws -> TensorDataset {
        try dataset(features: features?.map { try columnIndex($0) }, label: columnIndex(label))
    }
}

/// The cell without surrounding spaces, tabs or a trailing carriage return.
private func trimmed(_ cell: Substring) -> Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = cell.firstIndex(where: { !isSpace($0) }),
          let last = cell.lastIndex(where: { !isSpace($0) }) else { return cell[cell.endIndex...] }
    return cell[first ... last]
}

/// The cell without one pair of surrounding double quotes.
private func unquoted(_ cell: Substring) -> Substring {
    cell.count >= 2 && cell.first == "\"" && cell.last == "\"" ? cell.dropFirst().dropLast() : cell
}
