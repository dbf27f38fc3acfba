/// Which part of a data set.
public enum Split: String, Sendable {
    /// The training part and the held-out test part (the files `train-*` and `t10k-*` for MNIST).
    case train, test
}

/// Reads an IDX image/label pair (MNIST's format) as a dataset: images [N, 1, rows, cols] scaled to [0, 1],
/// labels [N] (class indices as Floats).
///
/// - Throws: what ``IDXFile/read(atPath:expectedMagic:)`` throws, and `DataError.corrupt` naming the file when the
///   images are not `imageSize` (rows, columns), a label is not below `classes` (with the label's record and
///   byte offset), or the counts of images and labels differ — so that a damaged file fails here, not later in
///   a loss or a layer.
func readIDXPair(directory: String, prefix: String, imageSize: (rows: Int, columns: Int) = (28, 28),
                 classes: Int = 10) throws -> TensorDataset {
    func resolve(_ stem: String) -> String {
        let fm = FileManager.default
        for candidate in [directory + "/" + stem + ".gz", directory + "/" + stem] where fm.fileExists(atPath: candidate) { return candidate }
        return directory + "/" + stem + ".gz"
    }
    let imagesPath = resolve("\(prefix)-images-idx3-ubyte"), labelsPath = resolve("\(prefix)-labels-idx1-ubyte")
    let images = try IDXFile.read(atPath: imagesPath, expectedMagic: IDXFile.imagesMagic)
    let labels = try IDXFile.read(atPath: labelsPath, expectedMagic: IDXFile.labelsMagic)
    guard images.dimensions.count == 3, images.dimensions[1] == imageSize.rows, images.dimensions[2] == imageSize.columns else {
        throw DataError.corrupt(path: imagesPath, offset: 4, reason:
            "images of dimensions \(images.dimensions), expected [n, \(imageSize.rows), \(imageSize.columns)]")
    }
    guard labels.dimensions.count == 1 else {
        throw DataError.corrupt(path: labelsPath, offset: 4, reason: "labels of dimensions \(labels.dimensions), expected [n]")
    }
    if let bad = labels.bytes.firstIndex(where: { Int($0) >= classes }) {
        throw DataError.corrupt(path: labelsPath, offset: 8 + bad, reason:
            "label \(labels.bytes[bad]) of record \(bad) is not a class in 0..<\(classes)")
    }
    guard images.count == labels.count else {
        throw DataError.corrupt(path: labelsPath, offset: nil,
                                reason: "\(labels.count) labels for \(images.count) images")
    }
    let dims = images.dimensions
    let x = Tensor(shape: [dims[0], 1] + dims[1...]) { p, n in
        images.bytes.withUnsafeBufferPointer { b in for i in 0..<n { p[i] = Float(b[i]) * (1 / 255) } }
    }
    let y = Tensor(shape: [labels.count]) { p, n in for i in 0..<n { p[i] = Float(labels.bytes[i]) } }
    return TensorDataset(inputs: x, labels: y)
}

/// MNIST handwritten digits (bundled with the repository): 60,000 training and 10,000 test images
/// [1, 28, 28] in [0, 1], labels 0–9.
public func MNIST(split: Split, directory: String? = nil) throws -> TensorDataset {
    try readIDXPair(directory: directory ?? DataLocation.bundled("mnist"), prefix: split == .train ? "train" : "t10k")
}

/// Fashion-MNIST (Zalando): clothing images in MNIST's format. Read from `directory`, else from
/// `/usr/share/datasets/fashion-mnist` (Debian's package `dataset-fashion-mnist`) or a bundled `Data/fashion-mnist`.
public func FashionMNIST(split: Split, directory: String? = nil) throws -> TensorDataset {
    let stem = (split == .train ? "train" : "t10k") + "-images-idx3-ubyte"
    var candidates = directory.map { [$0] } ?? []
    if directory == nil {
        candidates.append("/usr/share/datasets/fashion-mnist")
        if let bundled = try? DataLocation.bundled("fashion-mnist") { candidates.append(bundled) }
    }
    let dir: String
    if let found = try? DataLocation.firstDirectory(containing: stem + ".gz", in: candidates) {
        dir = found
    } else {
        dir = try DataLocation.firstDirectory(containing: stem, in: candidates)
    }
    return try readIDXPair(directory: dir, prefix: split == .train ? "train" : "t10k")
}

/// Class names of Fashion-MNIST.
public let fashionMNISTClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

/// CIFAR-10 from binary record files (`data_batch_*.bin`, `test_batch.bin`, or any files of the same format
/// given by name): images [N, 3, 32, 32] in [0, 1], labels 0–9.
public func CIFAR10(files: [String]) throws -> TensorDataset {
    let parts = try files.map { try CIFARBinary.read(atPath: $0) }
    let n = parts.reduce(0) { $0 + $1.count }
    var images: [UInt8] = []
    images.reserveCapacity(n * CIFARBinary.imageSize)
    var labels: [UInt8] = []
    for p in parts { images += p.images; labels += p.labels }
    let x = Tensor(shape: [n, 3, 32, 32]) { p, count in
        images.withUnsafeBufferPointer { b in for i in 0..<count { p[i] = Float(b[i]) * (1 / 255) } }
    }
    return TensorDataset(inputs: x, labels: Tensor(labels.map(Float.init)))
}

/// CIFAR-10 (A. Krizhevsky, 2009), images [N, 3, 32, 32] in [0, 1] and labels 0–9 (``CIFARBinary/classNames``).
///
/// With a `directory`, the full data set's binary batches in it: `data_batch_1.bin` … `data_batch_5.bin`
/// (50,000 training images) or `test_batch.bin` (10,000), each plain or gzip-compressed (`.bin.gz`). Without
/// one, the subset bundled in `Data/cifar10-subset`: the first 4,000 training and 1,000 test images.
/// - Throws: `DataError.fileNotFound` naming the file; `.truncated` / `.corrupt` with the file and byte offset
///   when a file's size is not a whole number of 3,073-byte records or a label is not in 0…9.
public func CIFAR10(split: Split, directory: String? = nil) throws -> TensorDataset {
    guard let directory else {
        let dir = try DataLocation.bundled("cifar10-subset")
        return try CIFAR10(files: [dir + (split == .train ? "/data_batch_1_first4000.bin.gz" : "/test_batch_first1000.bin.gz")])
    }
    let stems = split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    return try CIFAR10(files: stems.map { stem in
        let plain = directory + "/" + stem
        return !FileManager.default.fileExists(atPath: plain) && FileManager.default.fileExists(atPath: plain + ".gz") ? plain + ".gz" : plain
    })
}

/// scikit-learn's 8×8 digits (bundled): 1,797 examples of 64 features in [0, 16], labels 0–9.
///
/// The file `digits.csv.gz` holds one example per line: 64 features, then the label.
/// - Throws: what ``CSVTable/read(atPath:hasHeader:)`` throws, and `DataError.corrupt` naming the file and the
///   line when a row does not have 65 cells, a feature is not finite, or a label is not a class in 0..<10.
public func Digits(directory: String? = nil) throws -> TensorDataset {
    let dir = try directory ?? DataLocation.bundled("digits")
    let path = dir + "/digits.csv.gz"
    let table = try CSVTable.read(atPath: path, hasHeader: false)
    for (i, row) in table.rows.enumerated() {
        // CSVTable checks that every row has the first row's width; rows are numbered from 1 (no header).
        guard row.count == 65 else {
            throw DataError.corrupt(path: path, offset: nil, reason: "row \(i + 1) has \(row.count) cells, expected 64 features and a label")
        }
        if let column = row.prefix(64).firstIndex(where: { !$0.isFinite }) {
            throw DataError.corrupt(path: path, offset: nil, reason: "row \(i + 1), column \(column + 1): feature \(row[column]) is not finite")
        }
        guard row[64] == row[64].rounded(), row[64] >= 0, row[64] < 10 else {
            throw DataError.corrupt(path: path, offset: nil, reason: "row \(i + 1), column 65: label \(row[64]) is not a class in 0..<10")
        }
    }
    let n = table.rows.count
    let x = Tensor(table.rows.flatMap { $0.prefix(64) }, shape: [n, 64])
    let y = Tensor(table.rows.map { $0[64] })
    return TensorDataset(inputs: x, labels: y)
}

import Foundation
