import Foundation

/// A line chart rendered to PNG: a title, axis labels, ~5 nicely rounded ticks per axis with
/// numeric labels and light grid lines, one coloured line per named series, and a legend.
///
/// ```swift
/// var plot = LinePlot(title: "loss", xLabel: "epoch", yLabel: "loss")
/// plot.add(series: "train", x: [1, 2, 3], y: [2.3, 1.1, 0.7])
/// plot.add(series: "test", x: [1, 2, 3], y: [2.0, 1.2, 0.9])
/// try plot.write(toPath: "loss.png", width: 640, height: 400)
/// ```
///
/// Points whose x or y is not finite (NaN, infinity) are skipped, as are points with y <= 0
/// on a logarithmic y axis; a series with a single point is drawn as a dot.
/// Text uses a built-in 5x7 bitmap font, scaled up for images of 1280x800 and more.
public struct LinePlot: Sendable {
    /// The title drawn above the chart.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label left of the y axis, drawn vertically.
    public var yLabel: String
    /// Whether the y axis is logarithmic (base 10), which suits loss curves.
    public var logScaleY = false
    /// A fixed x range; by default (or when empty) the range of the data plus a 5% margin.
    public var xRange: ClosedRange<Double>? = nil
    /// A fixed y range in data units; by default (or when empty, or not positive on a log axis)
    /// the range of the data plus a 5% margin.
    public var yRange: ClosedRange<Double>? = nil

    /// A scalar field f(x, y) drawn behind the lines as shaded bands between contour lines — a loss surface
    /// under an optimizer's trajectory. Levels are evenly spaced in f, or in log10(f − min f) with
    /// `logScale` (which suits valleys such as Rosenbrock's); lower values are darker.
    public struct Contours: Sendable {
        /// Number of bands between the smallest and the largest value over the plot area.
        public var levels: Int
        /// Whether levels are spaced evenly in log10(f − min f) rather than in f.
        public var logScale: Bool
        /// The field, in data units.
        public var f: @Sendable (Double, Double) -> Double
        public init(levels: Int = 12, logScale: Bool = false, _ f: @escaping @Sendable (Double, Double) -> Double) {
            require(levels >= 1, "LinePlot.Contours: levels must be at least 1, got \(levels)")
            (self.levels, self.logScale, self.f) = (levels, logScale, f)
        }
    }

    /// A field drawn under the lines (see ``Contours``); nil for none. Not drawn on a logarithmic y axis.
    public var contours: Contours? = nil

    /// One named line.
    private struct Series {
        var name: String
        var x: [Double]
        var y: [Double]
    }

    private var series: [Series] = []

    /// Creates an empty plot.
    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Adds a named series of points, drawn in the next colour of the palette.
    /// - Precondition: `x` and `y` have the same length.
    public mutating func add(series name: String, x: [Double], y: [Double]) {
        require(x.count == y.count, "LinePlot.add: series \"\(name)\" has \(x.count) x values but \(y.count) y values")
        series.append(Series(name: name, x: x, y: y))
    }

    /// Adds a named series of points given as any floating-point type (e.g. `[Float]`).
    /// - Precondition: `x` and `y` have the same length.
    public mutating func add<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(series name: String, x: [X], y: [Y]) {
        add(series: name, x: x.map { Double($0) }, y: y.map { Double($0) })
    }

    /// Renders the chart as PNG file bytes.
    public func encodePNG(width: Int = 640, height: Int = 400) -> [UInt8] {
        PNG.encode(rgb: render(width: width, height: height), width: width, height: height)
    }

    /// Renders the chart and writes it atomically as a PNG file, creating missing directories.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public func write(toPath path: String, width: Int = 640, height: Int = 400) throws {
        try writeAtomically(encodePNG(width: width, height: height), toPath: path)
    }

    /// Renders the chart as `width * height * 3` RGB bytes.
    /// - Precondition: the image is at least 160x120 pixels.
    public func render(width: Int = 640, height: Int = 400) -> [UInt8] {
        require(width >= 160 && height >= 120, "LinePlot needs at least 160x120 pixels, got \(width)x\(height)")
        let s = max(1, min(width / 640, height / 400))  // font pixel size
        let pad = 8 * s
        let tickLength = 4 * s
        let tickGap = 3 * s
        let textHeight = BitmapFont.capHeight * s
        let lineHeight = (BitmapFont.capHeight + BitmapFont.descent) * s

        // 1. The points to draw, in axis units (log10 of y on a log axis).
        let lines: [[(x: Double, y: Double)]] = series.map { series in
            zip(series.x, series.y).compactMap { x, y in
                guard x.isFinite, y.isFinite, !logScaleY || y > 0 else { return nil }
                return (x, logScaleY ? log10(y) : y)
            }
        }
        let allPoints = lines.flatMap { $0 }

        // 2. Axis ranges and ticks.
        // A fixed range is used only when it is non-empty (and positive on a log axis).
        var xAxis = Self.paddedRange(allPoints.map(\.x))
        if let range = xRange, range.lowerBound < range.upperBound {
            xAxis = (range.lowerBound, range.upperBound)
        }
        var yAxis = Self.paddedRange(allPoints.map(\.y))
        if let range = yRange, range.lowerBound < range.upperBound, !logScaleY || range.lowerBound > 0 {
            yAxis = logScaleY ? (log10(range.lowerBound), log10(range.upperBound)) : (range.lowerBound, range.upperBound)
        }
        let xTicks = Self.linearTicks(xAxis.0, xAxis.1)
        let yTicks = logScaleY ? Self.logTicks(yAxis.0, yAxis.1) : Self.linearTicks(yAxis.0, yAxis.1)

        // 3. Layout: margins around the plot area, sized to the text they hold.
        let yTickTextWidth = (yTicks.map { BitmapFont.width(of: $0.label) }.max() ?? 0) * s
        let lastXTickWidth = BitmapFont.width(of: xTicks.last?.label ?? "") * s
        let left = pad + (yLabel.isEmpty ? 0 : lineHeight + pad) + yTickTextWidth + tickGap + tickLength
        let top = pad + (title.isEmpty ? 0 : 2 * textHeight + pad)
        let right = max(2 * pad, lastXTickWidth / 2 + pad)
        let bottom = tickLength + tickGap + textHeight + (xLabel.isEmpty ? 0 : pad + lineHeight) + pad
        let area = PixelRect(x: left, y: top, width: max(width - left - right, 2), height: max(height - top - bottom, 2))

        func pixelX(_ x: Double) -> Double {
            Double(area.x) + 0.5 + (x - xAxis.0) / (xAxis.1 - xAxis.0) * Double(area.width - 1)
        }
        func pixelY(_ y: Double) -> Double {
            Double(area.maxY) - 0.5 - (y - yAxis.0) / (yAxis.1 - yAxis.0) * Double(area.height - 1)
        }

        var canvas = Canvas(width: width, height: height)
        let ink = RGB(0x222222)

        // 4. The contour field, then grid, frame, ticks and their labels.
        if let contours, !logScaleY {
            drawContours(contours, on: &canvas, area: area, xAxis: xAxis, yAxis: yAxis)
        }
        for tick in xTicks {
            let px = Int(pixelX(tick.position))
            guard px >= area.x && px < area.maxX else { continue }
            canvas.fill(PixelRect(x: px, y: area.y, width: 1, height: area.height), color: RGB(0xE8E8E8))
            canvas.fill(PixelRect(x: px, y: area.maxY, width: 1, height: tickLength), color: ink)
            let labelWidth = BitmapFont.width(of: tick.label) * s
            canvas.drawText(tick.label, x: px - labelWidth / 2, y: area.maxY + tickLength + tickGap, scale: s, color: ink)
        }
        for tick in yTicks {
            let py = Int(pixelY(tick.position))
            guard py >= area.y && py < area.maxY else { continue }
            canvas.fill(PixelRect(x: area.x, y: py, width: area.width, height: 1), color: RGB(0xE8E8E8))
            canvas.fill(PixelRect(x: area.x - tickLength, y: py, width: tickLength, height: 1), color: ink)
            let labelWidth = BitmapFont.width(of: tick.label) * s
            canvas.drawText(tick.label, x: area.x - tickLength - tickGap - labelWidth, y: py - textHeight / 2,
                            scale: s, color: ink)
        }
        canvas.stroke(PixelRect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2), color: RGB(0x555555))

        // 5. Title and axis labels.
        if !title.isEmpty {
            let titleWidth = BitmapFont.width(of: title) * 2 * s
            canvas.drawText(title, x: area.x + (area.width - titleWidth) / 2, y: pad, scale: 2 * s, color: ink)
        }
        if !xLabel.isEmpty {
            let labelWidth = BitmapFont.width(of: xLabel) * s
            canvas.drawText(xLabel, x: area.x + (area.width - labelWidth) / 2,
                            y: area.maxY + tickLength + tickGap + textHeight + pad, scale: s, color: ink)
        }
        if !yLabel.isEmpty {
            let labelWidth = BitmapFont.width(of: yLabel) * s
            canvas.drawText(yLabel, x: pad, y: area.y + (area.height + labelWidth) / 2, scale: s, color: ink, vertical: true)
        }

        // 6. The series.
        let lineWidth = 2.0 * Double(s)
        let pixelLines = lines.map { line in line.map { (x: pixelX($0.x), y: pixelY($0.y)) } }
        for (index, line) in pixelLines.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            if line.count == 1 {
                canvas.fillCircle(cx: line[0].x, cy: line[0].y, radius: 1.5 * lineWidth, color: color, clip: area)
            } else {
                canvas.drawPolyline(line, color: color, lineWidth: lineWidth, clip: area)
            }
        }

        // 7. The legend, in the corner of the plot area that hides the fewest points.
        if !series.isEmpty {
            let rowHeight = lineHeight + 2 * s
            let swatch = 18 * s
            let inset = 6 * s
            let nameWidth = (series.map { BitmapFont.width(of: $0.name) }.max() ?? 0) * s
            let boxWidth = inset + swatch + 5 * s + nameWidth + inset
            let boxHeight = inset + series.count * rowHeight - 2 * s + inset
            let margin = 8 * s
            let corners = [
                PixelRect(x: area.maxX - margin - boxWidth, y: area.y + margin, width: boxWidth, height: boxHeight),
                PixelRect(x: area.x + margin, y: area.y + margin, width: boxWidth, height: boxHeight),
                PixelRect(x: area.maxX - margin - boxWidth, y: area.maxY - margin - boxHeight, width: boxWidth, height: boxHeight),
                PixelRect(x: area.x + margin, y: area.maxY - margin - boxHeight, width: boxWidth, height: boxHeight),
            ]
            let box = corners.min { hiddenPoints(pixelLines, by: $0) < hiddenPoints(pixelLines, by: $1) }!
            canvas.fill(box, color: .white, alpha: 0.9)
            canvas.stroke(box, color: RGB(0xBBBBBB))
            for (index, series) in series.enumerated() {
                let color = Self.palette[index % Self.palette.count]
                let rowTop = box.y + inset + index * rowHeight
                let midY = Double(rowTop) + Double(textHeight) / 2
                let swatchX = Double(box.x + inset)
                if lines[index].count == 1 {  // drawn as a dot in the chart, so in the legend too
                    canvas.fillCircle(cx: swatchX + Double(swatch) / 2, cy: midY, radius: 1.5 * lineWidth,
                                      color: color, clip: box)
                } else {
                    canvas.drawPolyline([(swatchX, midY), (swatchX + Double(swatch), midY)], color: color,
                                        lineWidth: lineWidth, clip: box)
                }
                canvas.drawText(series.name, x: box.x + inset + swatch + 5 * s, y: rowTop, scale: s, color: ink)
            }
        }
        return canvas.pixels
    }

    /// Line colours, in the order series are added (matplotlib's "tab10").
    private static let palette: [RGB] = [
        RGB(0x1F77B4), RGB(0xFF7F0E), RGB(0x2CA02C), RGB(0xD62728), RGB(0x9467BD),
        RGB(0x8C564B), RGB(0xE377C2), RGB(0x7F7F7F), RGB(0xBCBD22), RGB(0x17BECF),
    ]
}

// MARK: - Contours

extension LinePlot {
    /// Shades each pixel of `area` by the band its value of `contours.f` falls in, and darkens pixels whose
    /// right or lower neighbour lies in another band (the contour lines).
    private func drawContours(_ contours: Contours, on canvas: inout Canvas, area: PixelRect,
                              xAxis: (Double, Double), yAxis: (Double, Double)) {
        let w = area.width, h = area.height
        var values = [Double](repeating: 0, count: w * h)
        for j in 0..<h {
            let y = yAxis.1 - Double(j) / Double(Swift.max(h - 1, 1)) * (yAxis.1 - yAxis.0)
            for i in 0..<w {
                values[j * w + i] = contours.f(xAxis.0 + Double(i) / Double(Swift.max(w - 1, 1)) * (xAxis.1 - xAxis.0), y)
            }
        }
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low < high else { return }
        func level(_ v: Double) -> Double {
            contours.logScale ? log10(v - low + (high - low) * 1e-6) : v
        }
        let (l0, l1) = (level(low), level(high))
        let bands = values.map { v -> Int in
            guard v.isFinite else { return contours.levels - 1 }
            return Swift.min(contours.levels - 1, Int(Double(contours.levels) * (level(v) - l0) / (l1 - l0)))
        }
        let dark = RGB(0x4A7FB5)
        for j in 0..<h {
            for i in 0..<w {
                let b = bands[j * w + i]
                let edge = (i + 1 < w && bands[j * w + i + 1] != b) || (j + 1 < h && bands[(j + 1) * w + i] != b)
                let shade = 0.45 * (1 - Double(b) / Double(contours.levels))
                canvas.blend(x: area.x + i, y: area.y + j, color: dark, alpha: edge ? Swift.min(1, shade + 0.35) : shade)
            }
        }
    }
}

// MARK: - Axis helpers

extension LinePlot {
    /// A tick: where it goes in axis units, and its text.
    struct Tick {
        var position: Double
        var label: String
    }

    /// The range of `values` widened by 5% on each side; a degenerate range is widened to a visible one.
    static func paddedRange(_ values: [Double]) -> (Double, Double) {
        guard var low = values.min(), var high = values.max() else { return (0, 1) }
        if low == high {
            let half = low == 0 ? 1 : abs(low) * 0.1
            low -= half
            high += half
        }
        let margin = (high - low) * 0.05
        return (low - margin, high + margin)
    }

    /// A "nice" step near `raw`: 1, 2 or 5 times a power of ten.
    static func niceStep(_ raw: Double) -> Double {
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * power
    }

    /// About five evenly spaced ticks at round values within `low ... high`.
    static func linearTicks(_ low: Double, _ high: Double) -> [Tick] {
        guard low < high, (high - low).isFinite else { return [] }
        let step = niceStep((high - low) / 5)
        let first = Int((low / step).rounded(.up))
        let last = Int((high / step).rounded(.down))
        guard first <= last else { return [] }
        let values = (first ... last).map { Double($0) * step }
        let labels = tickLabels(values, step: step)
        return zip(values, labels).map { Tick(position: $0, label: $1) }
    }

    /// Ticks for a log10 axis spanning `low ... high` (in log10 units): powers of ten when the
    /// range covers at least two of them, otherwise round values placed logarithmically.
    static func logTicks(_ low: Double, _ high: Double) -> [Tick] {
        guard low < high, (high - low).isFinite else { return [] }
        let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
        if last - first >= 1 {
            let stride = max(1, (last - first + 5) / 6)  // at most about six decades labelled
            return Swift.stride(from: first, through: last, by: stride).map { power in
                let label = (-4 ... 5).contains(power)
                    ? String(format: "%.\(max(0, -power))f", pow(10, Double(power)))
                    : "1e\(power)"
                return Tick(position: Double(power), label: label)
            }
        }
        return linearTicks(pow(10, low), pow(10, high)).compactMap { tick in
            tick.position > 0 ? Tick(position: log10(tick.position), label: tick.label) : nil
        }
    }

    /// Labels for tick values that are multiples of `step`: just enough decimals to tell them apart,
    /// switching to exponent notation for very large or very small numbers.
    static func tickLabels(_ values: [Double], step: Double) -> [String] {
        let magnitude = values.map(abs).max() ?? 0
        let snapped = values.map { abs($0) < step * 1e-6 ? 0 : $0 }  // avoid "-0.0"
        if magnitude >= 1e6 || step < 1e-4 {
            let digits = max(0, Int(floor(log10(magnitude))) - Int(floor(log10(step) + 1e-9)))
            return snapped.map { String(format: "%.\(digits)e", $0) }
        }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return snapped.map { String(format: "%.\(decimals)f", $0) }
    }
}

/// How many points of the lines (sampled every couple of pixels) fall inside `box`.
private func hiddenPoints(_ lines: [[(x: Double, y: Double)]], by box: LinePlot.PixelRect) -> Int {
    func inside(_ x: Double, _ y: Double) -> Bool {
        x >= Double(box.x) && x < Double(box.maxX) && y >= Double(box.y) && y < Double(box.maxY)
    }
    var count = 0
    for line in lines {
        if line.count == 1 && inside(line[0].x, line[0].y) { count += 1 }
        for (a, b) in zip(line, line.dropFirst()) {
            let samples = Int(max(abs(b.x - a.x), abs(b.y - a.y)) / 2) + 1
            for i in 0 ... samples {
                let t = Double(i) / Double(samples)
                if inside(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)) { count += 1 }
            }
        }
    }
    return count
}
