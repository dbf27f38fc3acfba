@testable import DeepLearning
import Foundation
import XCTest

final class PlotTests: XCTestCase {
    /// The distinct colours of a decoded RGB image, as 0xRRGGBB.
    func colours(_ pixels: [UInt8]) -> Set<UInt32> {
        Set(stride(from: 0, to: pixels.count, by: 3).map { (i: Int) -> UInt32 in
            let r = UInt32(pixels[i]), g = UInt32(pixels[i + 1]), b = UInt32(pixels[i + 2])
            return r << 16 | g << 8 | b
        })
    }

    func examplePlot() -> LinePlot {
        var plot = LinePlot(title: "Training loss (MNIST)", xLabel: "epoch", yLabel: "cross-entropy loss")
        let epochs = (1 ... 20).map(Double.init)
        plot.add(series: "train", x: epochs, y: epochs.map { 2.3 * exp(-$0 / 4) + 0.05 })
        plot.add(series: "test", x: epochs, y: epochs.map { 2.2 * exp(-$0 / 5) + 0.12 + 0.02 * sin($0) })
        plot.add(series: "lr x 10", x: [Float](arrayLiteral: 1, 10, 20), y: [Float](arrayLiteral: 1.0, 0.5, 0.1))
        return plot
    }

    func testWritesANonTrivialPNG() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/plots/loss.png"
        try examplePlot().write(toPath: path, width: 640, height: 400)

        let png = try readBytes(atPath: path)
        XCTAssertGreaterThan(png.count, 2000)
        let decoded = try XCTUnwrap(decodeSimplePNG(png))
        XCTAssertEqual(decoded.width, 640)
        XCTAssertEqual(decoded.height, 400)
        XCTAssertEqual(decoded.channels, 3)
        let seen = colours(decoded.pixels)
        XCTAssertGreaterThan(seen.count, 20)  // anti-aliasing gives many shades
        for colour: UInt32 in [0xFFFFFF, 0x222222, 0x1F77B4, 0xFF7F0E, 0x2CA02C] {
            XCTAssertTrue(seen.contains(colour), String(colour, radix: 16))
        }
        XCTAssertFalse(seen.contains(0xD62728))  // only three series, so no fourth colour

        if let examplePath = ProcessInfo.processInfo.environment["DATAIO_EXAMPLE_PNG"] {
            try examplePlot().write(toPath: examplePath, width: 640, height: 400)
        }
    }

    func testNonFiniteValuesAreSkippedAndASinglePointIsADot() throws {
        var plot = LinePlot(title: "dot")
        plot.add(series: "one", x: [0, 1, 2], y: [.nan, 3, .infinity])
        let pixels = plot.render(width: 320, height: 240)
        XCTAssertEqual(pixels.count, 320 * 240 * 3)
        let blue = stride(from: 0, to: pixels.count, by: 3).filter {
            pixels[$0] == 0x1F && pixels[$0 + 1] == 0x77 && pixels[$0 + 2] == 0xB4
        }
        XCTAssertGreaterThan(blue.count, 20)  // the dot and the legend swatch
    }

    func testEmptyAndDegeneratePlotsRender() {
        XCTAssertEqual(LinePlot().render(width: 200, height: 150).count, 200 * 150 * 3)
        var flat = LinePlot(title: "flat", xLabel: "x", yLabel: "y")
        flat.add(series: "c", x: [1, 1], y: [5, 5])
        flat.add(series: "nan", x: [1], y: [Double.nan])
        XCTAssertEqual(flat.render().count, 640 * 400 * 3)
        var big = LinePlot()
        big.add(series: "b", x: [0, 1e7], y: [-1e-7, 3e-7])
        XCTAssertEqual(big.encodePNG(width: 1280, height: 800).prefix(4), [0x89, 0x50, 0x4E, 0x47])
    }

    func testLogScaleAndFixedRanges() throws {
        var plot = LinePlot(title: "log")
        plot.logScaleY = true
        plot.add(series: "loss", x: [1, 2, 3, 4], y: [10, 1, 0.1, -1])
        XCTAssertNotNil(decodeSimplePNG(plot.encodePNG()))
        plot.xRange = 0 ... 2
        plot.yRange = 0.5 ... 5
        XCTAssertNotNil(decodeSimplePNG(plot.encodePNG()))
    }

    func testNiceTicks() {
        XCTAssertEqual(LinePlot.linearTicks(0.55, 10.45).map(\.label), ["2", "4", "6", "8", "10"])
        XCTAssertEqual(LinePlot.linearTicks(-0.01, 2.41).map(\.label), ["0.0", "0.5", "1.0", "1.5", "2.0"])
        XCTAssertEqual(LinePlot.linearTicks(-1, 1).map(\.label), ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
        XCTAssertEqual(LinePlot.linearTicks(0, 3e6).map(\.label), ["0.0e+00", "5.0e+05", "1.0e+06", "1.5e+06", "2.0e+06", "2.5e+06", "3.0e+06"])
        XCTAssertEqual(LinePlot.linearTicks(0.1, 0.1003).map(\.label).first, "1.0000e-01")
        XCTAssertEqual(LinePlot.logTicks(-3.2, 0.5).map(\.label), ["0.001", "0.01", "0.1", "1"])
        XCTAssertEqual(LinePlot.logTicks(-12, 0).map(\.label), ["1e-12", "1e-10", "1e-8", "1e-6", "0.0001", "0.01", "1"])
        XCTAssertEqual(LinePlot.logTicks(log10(0.3), log10(2.5)).map(\.label), ["0.5", "1.0", "1.5", "2.0", "2.5"])
    }
}
