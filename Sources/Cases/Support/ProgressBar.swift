import Foundation

/// A one-line progress bar over the batches of an epoch: step, running metrics, samples/s and ETA.
///
/// On a terminal it redraws in place (at most 10 times a second). When the output is a file or a pipe it
/// prints a plain line at most every `minimumInterval` seconds (as tqdm's `mininterval`), so a log holds a few
/// lines per epoch, not one per batch.
public final class ProgressBar {
    let total: Int
    let label: String
    let start = Date()
    var step = 0
    var lastDraw: Date
    let interactive = isatty(STDOUT_FILENO) != 0
    /// Seconds between two lines when the output is not a terminal.
    public var minimumInterval: Double = 5

    public init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
        lastDraw = start
    }

    /// Advances the bar by one step; `samples` is the number of examples seen so far in the epoch.
    public func update(samples: Int, metrics: [(String, Float)]) {
        step += 1
        let now = Date()
        let sinceDraw = now.timeIntervalSince(lastDraw)
        if interactive {
            guard sinceDraw > 0.1 || step == total else { return }
        } else {
            guard sinceDraw >= minimumInterval && step < total else { return }  // the epoch line follows the last step
        }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let fraction = Double(step) / Double(total)
        let rate = elapsed > 0 ? Double(samples) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let values = metrics.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  ")
        let text = "\(label) \(step)/\(total)  \(values)  \(Int(rate)) samples/s  ETA \(Self.clock(eta))"
        if interactive {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            print("\r\u{1B}[2K[\(bar)] \(text)", terminator: step == total ? "\n" : "")
        } else {
            print(text)
        }
        fflush(stdout)
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
