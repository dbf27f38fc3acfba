import Foundation

/// A one-line live progress bar: step, loss, accuracy, samples/s and ETA, redrawn in place on a terminal.
/// When the output is not a terminal (CI logs, files) it prints a plain line every 10% instead.
public final class ProgressBar {
    let total: Int
    let label: String
    let start = Date()
    var lastDraw = Date.distantPast
    var lastDecile = -1
    let interactive = isatty(STDOUT_FILENO) != 0

    public init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
    }

    /// Updates the bar after `step` of `total` steps; `samples` is the number of examples seen so far.
    public func update(step: Int, samples: Int, metrics: [(String, Float)]) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let fraction = Double(step) / Double(total)
        let rate = elapsed > 0 ? Double(samples) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let values = metrics.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  ")
        let text = "\(label) \(step)/\(total)  \(values)  \(Int(rate)) samples/s  ETA \(Self.clock(eta))"
        if interactive {
            guard now.timeIntervalSince(lastDraw) > 0.1 || step == total else { return }
            lastDraw = now
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            print("\r\u{1B}[2K[\(bar)] \(text)", terminator: step == total ? "\n" : "")
            fflush(stdout)
        } else {
            let decile = Int(fraction * 10)
            guard decile > lastDecile else { return }
            lastDecile = decile
            print(text)
            fflush(stdout)
        }
    }

    /// Seconds since the bar was created.
    public var elapsed: Double { Date().timeIntervalSince(start) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
