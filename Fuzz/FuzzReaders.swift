// libFuzzer entry point for the file readers (see Sources/DeepLearning/Data/FileReaders.swift). Compiled
// together with the library's sources into one module by Scripts/fuzz.sh, with -sanitize=fuzzer,address
// -parse-as-library (libFuzzer supplies main); never part of the SwiftPM build. The environment variable
// FUZZ_TARGET chooses the reader: safetensors, idx, cifar, csv, text or gzip.
import Foundation

private let target: FileReader = {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    guard let reader = FileReader(rawValue: name) else {
        let names = FileReader.allCases.map(\.rawValue).joined(separator: ", ")
        fputs("FuzzReaders: set FUZZ_TARGET to one of \(names) (got \"\(name)\")\n", stderr)
        exit(2)
    }
    return reader
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    target.run(input)
    return 0
}
