import Foundation

/// Measures `body` and returns the best (smallest) seconds per call over several rounds, after a warm-up.
/// The best of rounds is the most repeatable figure on a shared, noisy machine.
func bestTime(minimumSeconds: Double = 0.2, rounds: Int = 5, _ body: () -> Void) -> Double {
    body()
    var calls = 1
    while true {
        let t = time(calls, body)
        if t >= minimumSeconds / Double(rounds) { break }
        calls *= 2
    }
    var best = Double.infinity
    for _ in 0..<rounds { best = min(best, time(calls, body) / Double(calls)) }
    return best
}

private func time(_ calls: Int, _ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<calls { body() }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// One machine-readable result line: `bench <suite> <case> key=value ...`.
func report(_ suite: String, _ name: String, _ fields: [(String, Double)], digits: Int = 2) {
    let values = fields.map { "\($0.0)=\(String(format: "%.\(digits)f", $0.1))" }
    print(([suite, name] + values).joined(separator: " "))
    fflush(stdout)
}
