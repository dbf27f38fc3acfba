import Foundation

/// An 8-bit RGB color.
public struct RGB: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }
    public static let white = RGB(255, 255, 255), black = RGB(0, 0, 0)
}

/// A point in a frame's drawing coordinates: x to the right, y upwards from the bottom-left corner (as
/// Gymnasium draws before it flips the surface), in pixels.
public struct Point: Equatable, Sendable {
    public var x: Double, y: Double
    public init(_ x: Double, _ y: Double) { (self.x, self.y) = (x, y) }

    /// The point rotated by `angle` radians (counter-clockwise) about the origin, as pygame's `rotate_rad`.
    public func rotated(by angle: Double) -> Point {
        Point(x * cos(angle) - y * sin(angle), x * sin(angle) + y * cos(angle))
    }

    public static func + (a: Point, b: Point) -> Point { Point(a.x + b.x, a.y + b.y) }
}

/// The corners of the axis-aligned rectangle [left, right] × [bottom, top], in Gymnasium's order.
func rectangle(_ left: Double, _ right: Double, _ bottom: Double, _ top: Double) -> [Point] {
    [Point(left, bottom), Point(left, top), Point(right, top), Point(right, bottom)]
}

/// A frame: `height` rows of `width` pixels, top row first, 3 bytes (R, G, B) per pixel, as the array
/// Gymnasium's `render()` returns (shape [height, width, 3], uint8). The drawing methods take y upwards.
public struct RGBImage: Equatable, Sendable {
    public let width: Int, height: Int
    /// `width · height · 3` bytes, row-major.
    public var pixels: [UInt8]

    /// A frame filled with `background`.
    public init(width: Int, height: Int, background: RGB = .white) {
        self.width = width
        self.height = height
        if background.r == background.g && background.g == background.b {
            pixels = [UInt8](repeating: background.r, count: width * height * 3)
        } else {
            pixels = (0..<(width * height)).flatMap { _ in [background.r, background.g, background.b] }
        }
    }

    /// The color of the pixel in column `x`, row `row` (row 0 at the top).
    public func pixel(x: Int, row: Int) -> RGB {
        let i = 3 * (row * width + x)
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets the pixel at column `x`, row `row` (row 0 at the top); does nothing outside the frame.
    public mutating func setPixel(x: Int, row: Int, _ color: RGB) {
        guard x >= 0, x < width, row >= 0, row < height else { return }
        let i = 3 * (row * width + x)
        (pixels[i], pixels[i + 1], pixels[i + 2]) = (color.r, color.g, color.b)
    }

    /// Fills the polygon with corners `points` (y up): every pixel whose centre is inside (even–odd rule).
    public mutating func fillPolygon(_ points: [Point], color: RGB) {
        guard points.count >= 3 else { return }
        let ys = points.map(\.y)
        let lowRow = max(0, Int((Double(height) - ys.max()!).rounded(.down))), highRow = min(height - 1, Int((Double(height) - ys.min()!).rounded(.up)))
        guard lowRow <= highRow else { return }
        for row in lowRow...highRow {
            let y = Double(height - row) - 0.5  // the row's centre in y-up coordinates
            var crossings: [Double] = []
            for (a, b) in zip(points, points.dropFirst() + [points[0]]) where (a.y <= y) != (b.y <= y) {
                crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
            }
            crossings.sort()
            for pair in stride(from: 0, to: crossings.count - 1, by: 2) {
                let first = max(0, Int((crossings[pair] - 0.5).rounded(.up))), last = min(width - 1, Int((crossings[pair + 1] - 0.5).rounded(.down)))
                if first <= last { for x in first...last { setPixel(x: x, row: row, color) } }
            }
        }
    }

    /// Fills the disc of `radius` pixels around `center` (y up).
    public mutating func fillCircle(center: Point, radius: Double, color: RGB) {
        let steps = 48
        fillPolygon((0..<steps).map { k in
            let t = 2 * Double.pi * Double(k) / Double(steps)
            return Point(center.x + radius * cos(t), center.y + radius * sin(t))
        }, color: color)
    }

    /// Draws a one-pixel line from `a` to `b` (y up).
    public mutating func drawLine(from a: Point, to b: Point, color: RGB) {
        let n = max(1, Int(max(abs(b.x - a.x), abs(b.y - a.y)).rounded(.up)))
        for k in 0...n {
            let t = Double(k) / Double(n)
            let x = a.x + t * (b.x - a.x), y = a.y + t * (b.y - a.y)
            setPixel(x: Int(x.rounded(.down)), row: height - 1 - Int(y.rounded(.down)), color)
        }
    }
}
