import Foundation

/// Every reader of file bytes in the library, behind one entry point: what the libFuzzer targets
/// (`Fuzz/FuzzReaders.swift`, `make fuzz`) and the replay tests (`FuzzReplayTests`) feed damaged files to.
/// A reader must return or throw on any input — never trap, never read out of bounds, never reserve memory
/// the input does not justify.
enum FileReader: String, CaseIterable {
    /// ``SafeTensors/decode(_:path:)``. The input is framed by the target: the header's JSON, a 0 byte, then
    /// the data section; the 8-byte header length is written from the JSON's size, so that mutations of the
    /// JSON reach the header's checks instead of failing at the length. An input that starts with 0xFF
    /// (which no JSON text does) is passed on whole, unframed, to exercise the length itself.
    case safetensors
    /// ``IDXFile/decode(_:path:expectedMagic:)``: plain or gzip-compressed IDX.
    case idx
    /// ``CIFARBinary/parse(_:path:)``.
    case cifar
    /// ``CSVTable/parse(_:path:hasHeader:)`` (the first byte, odd or even, chooses `hasHeader`).
    case csv
    /// ``TextCorpus/init(bytes:path:)``.
    case text
    /// ``gunzip(_:path:limit:)`` with a limit of ``fuzzGunzipLimit`` bytes.
    case gzip

    /// The gzip target's output limit, small so that the fuzzer stays fast.
    static let fuzzGunzipLimit = 1 << 20

    /// Feeds `input` to the reader; returns normally whether the reader accepted it or threw.
    /// Returns true when the reader accepted the input.
    @discardableResult
    func run(_ input: [UInt8]) -> Bool {
        let path = "<fuzz:\(rawValue)>"
        do {
            switch self {
            case .safetensors: _ = try SafeTensors.decode(Self.framedSafeTensors(input), path: path)
            case .idx: _ = try IDXFile.decode(input, path: path)
            case .cifar: _ = try CIFARBinary.parse(input, path: path)
            case .csv: _ = try CSVTable.parse(Array(input.dropFirst()), path: path, hasHeader: (input.first ?? 0) & 1 == 1)
            case .text: _ = try TextCorpus(bytes: input, path: path)
            case .gzip: _ = try gunzip(input, path: path, limit: Self.fuzzGunzipLimit)
            }
            return true
        } catch {
            return false
        }
    }

    /// The safetensors file that `input` stands for (see ``safetensors``).
    static func framedSafeTensors(_ input: [UInt8]) -> Data {
        if input.first == 0xFF { return Data(input.dropFirst()) }
        let split = input.firstIndex(of: 0) ?? input.count
        var file = Data(capacity: input.count + 8)
        withUnsafeBytes(of: UInt64(split).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: input[..<split])
        if split < input.count { file.append(contentsOf: input[(split + 1)...]) }
        return file
    }
}
