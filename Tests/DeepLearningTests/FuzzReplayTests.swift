import Foundation
import Testing
@testable import DeepLearning

/// The readers never crash on damaged files (issue 11, item 10): the saved fuzz corpus
/// (`Fixtures/fuzz/<target>/`: the seeds made by Scripts/fixtures/fuzz_seeds.py and every crashing input
/// libFuzzer found, see Scripts/fuzz.sh) is replayed, and each seed is mutated a few thousand times with a
/// fixed seed. A reader that trapped would kill the test process; each input must give a value or a thrown
/// error, the same one twice.
@Suite struct FuzzReplayTests {
    static let corpus = Fixture.directory.appendingPathComponent("fuzz")
    static let mutationsPerReader = 3000

    /// The saved inputs of `reader`, by file name.
    static func saved(_ reader: FileReader) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(reader.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            ($0, [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))))
        }
    }

    @Test(arguments: FileReader.allCases)
    func savedCorpusReplays(_ reader: FileReader) throws {
        let inputs = try Self.saved(reader)
        #expect(inputs.contains { $0.name.hasPrefix("seed-") }, "no seeds for \(reader)")
        for (name, bytes) in inputs {
            let accepted = reader.run(bytes)
            // Seeds are valid files; crash-* inputs may be accepted or refused, as long as nothing traps.
            if name.hasPrefix("seed-") { #expect(accepted, "\(reader): seed \(name) refused") }
        }
    }

    @Test(arguments: FileReader.allCases)
    func seededMutationsNeverCrash(_ reader: FileReader) throws {
        let seeds = try Self.saved(reader).filter { $0.name.hasPrefix("seed-") }.map(\.bytes)
        var rng = SplitMix64(seed: 11)
        var accepted = 0
        for _ in 0 ..< Self.mutationsPerReader {
            var input = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0 ... rng.next() % 3 { Mutator.mutate(&input, seeds: seeds, rng: &rng) }
            let first = reader.run(input)
            #expect(reader.run(input) == first, "\(reader): the same input was accepted once and refused once")
            if first { accepted += 1 }
        }
        // Some mutants stay valid (a changed pixel, a changed float), most are refused; both paths ran.
        #expect(accepted > 0 && accepted < Self.mutationsPerReader, "\(reader): \(accepted) of \(Self.mutationsPerReader) accepted")
    }
}

/// A small deterministic generator for the mutations (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// libFuzzer's kinds of mutation, in miniature: bit flips, interesting bytes and integers (sizes near 2^31,
/// 2^32, 2^63 in both byte orders), JSON tokens that readers get wrong (`-1`, `1.0`, `1e30`, huge integers,
/// duplicate keys), insertions, deletions, truncation and splicing with another seed.
enum Mutator {
    static let tokens: [String] = ["-1", "1.0", "1e30", "4294967296", "18446744073709551616", "9223372036854775807",
                                   "0", "\"", "{", "}", "[", "]", ",", ":", "null", "\"a\"", "\\u0000", "\\ud800",
                                   "\"shape\":[4294967296,4294967296]", "\"data_offsets\":[0,0]", "\"dtype\":\"F32\"",
                                   "\"__metadata__\":{\"x\":1}", "nan", "inf", "\r\n", "\n", ",,", "\u{FF}"]
    static let integers: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32,
                                     0x7FFF_FFFF_FFFF_FFFF, .max, 100_000_001]

    static func mutate(_ input: inout [UInt8], seeds: [[UInt8]], rng: inout SplitMix64) {
        func position(_ extra: Int = 0) -> Int { Int(rng.next() % UInt64(input.count + extra)) }
        if input.isEmpty { input = [UInt8(truncatingIfNeeded: rng.next())]; return }
        switch rng.next() % 9 {
        case 0: input[position()] ^= 1 << (rng.next() % 8)
        case 1: input[position()] = [0, 0xFF, 0x7F, 0x80, 0x30, 0x22][Int(rng.next() % 6)]
        case 2:  // an interesting integer, 4 or 8 bytes, little- or big-endian
            let value = integers[Int(rng.next() % UInt64(integers.count))]
            let width = rng.next() % 2 == 0 ? 4 : 8
            var bytes = (0 ..< width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
            if rng.next() % 2 == 0 { bytes.reverse() }
            let at = position()
            for (k, b) in bytes.enumerated() where at + k < input.count { input[at + k] = b }
        case 3: input.insert(contentsOf: Array(tokens[Int(rng.next() % UInt64(tokens.count))].utf8), at: position(1))
        case 4:  // delete a range
            let at = position(), length = min(Int(rng.next() % 16) + 1, input.count - at)
            input.removeSubrange(at ..< at + length)
        case 5: input.removeLast(Int(rng.next() % UInt64(input.count)))  // truncate
        case 6:  // duplicate a range
            let at = position(), length = min(Int(rng.next() % 32) + 1, input.count - at)
            input.insert(contentsOf: input[at ..< at + length], at: position(1))
        case 7:  // splice: this input's head, another seed's tail
            let other = seeds[Int(rng.next() % UInt64(seeds.count))]
            input = Array(input[..<position()]) + other[Int(rng.next() % UInt64(other.count + 1))...]
        default: input.insert(UInt8(truncatingIfNeeded: rng.next()), at: position(1))
        }
    }
}
