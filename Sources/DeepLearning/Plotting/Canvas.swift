import Foundation

// Raster drawing for LinePlot, nested in it so these helper names stay out of the module's namespace.
extension LinePlot {
    /// An 8-bit RGB colour.
    struct RGB: Equatable {
        var r: UInt8
        var g: UInt8
        var b: UInt8

        /// A colour from a hex value such as 0x1f77b4.
        init(_ hex: UInt32) {
            r = UInt8(hex >> 16 & 0xFF)
            g = UInt8(hex >> 8 & 0xFF)
            b = UInt8(hex & 0xFF)
        }

        static let white = RGB(0xFFFFFF)
        static let black = RGB(0x000000)
    }

    /// A rectangle of whole pixels: columns `x ..< x + width`, rows `y ..< y + height`.
    struct PixelRect {
        var x: Int
        var y: Int
        var width: Int
        var height: Int

        var maxX: Int { x + width }
        var maxY: Int { y + height }
    }

    /// An RGB raster with the few drawing operations a line chart needs. Coordinates are
    /// in pixels, y pointing down; pixel (i, j) covers the square [i, i+1) x [j, j+1), so its
    /// centre is at (i + 0.5, j + 0.5). Lines and dots are anti-aliased.
    struct Canvas {
        let width: Int
        let height: Int
        /// `width * height * 3` bytes, row-major RGB.
        private(set) var pixels: [UInt8]

        init(width: Int, height: Int, background: RGB = .white) {
            self.width = width
            self.height = height
            pixels = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0 ..< width * height {
                pixels[3 * i] = background.r
                pixels[3 * i + 1] = background.g
                pixels[3 * i + 2] = background.b
            }
        }

        /// Mixes `color` into pixel (x, y) with weight `alpha` in 0...1; pixels outside the canvas are ignored.
        mutating func blend(x: Int, y: Int, color: RGB, alpha: Double) {
            guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
            let a = min(alpha, 1)
            let i = 3 * (y * width + x)
            func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
                UInt8((Double(old) * (1 - a) + Double(new) * a).rounded())
            }
            pixels[i] = mix(pixels[i], color.r)
            pixels[i + 1] = mix(pixels[i + 1], color.g)
            pixels[i + 2] = mix(pixels[i + 2], color.b)
        }

        /// Fills a rectangle, blending with `alpha`.
        mutating func fill(_ rect: PixelRect, color: RGB, alpha: Double = 1) {
            for y in rect.y ..< rect.maxY {
                for x in rect.x ..< rect.maxX {
                    blend(x: x, y: y, color: color, alpha: alpha)
                }
            }
        }

        /// Draws the 1-pixel outline of a rectangle.
        mutating func stroke(_ rect: PixelRect, color: RGB) {
            fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: 1), color: color)
            fill(PixelRect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color: color)
            fill(PixelRect(x: rect.x, y: rect.y, width: 1, height: rect.height), color: color)
            fill(PixelRect(x: rect.maxX - 1, y: rect.y, width: 1, height: rect.height), color: color)
        }

        /// Draws a connected line through `points` with round joins and caps, clipped to `clip`.
        /// Each pixel takes the largest coverage of any segment, so joins are not drawn twice.
        mutating func drawPolyline(_ points: [(x: Double, y: Double)], color: RGB, lineWidth: Double, clip: PixelRect) {
            guard points.count >= 2 else { return }
            let halfWidth = lineWidth / 2
            var coverage = [Double](repeating: 0, count: clip.width * clip.height)

            // Coverage of pixel (px, py) by a segment: 1 inside the stroke, fading to 0
            // over one pixel at its edge, from the distance of the pixel centre to the segment.
            func cover(_ px: Int, _ py: Int, _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) {
                guard px >= clip.x, py >= clip.y, px < clip.maxX, py < clip.maxY else { return }
                let d = distance(from: (Double(px) + 0.5, Double(py) + 0.5), toSegment: a, b)
                let c = min(max(halfWidth + 0.5 - d, 0), 1)
                let i = (py - clip.y) * clip.width + (px - clip.x)
                coverage[i] = max(coverage[i], c)
            }

            let reach = halfWidth * 1.5 + 2  // how far across the line's direction we must look
            for (a, b) in zip(points, points.dropFirst()) {
                let dx = b.x - a.x, dy = b.y - a.y
                if abs(dx) >= abs(dy) {
                    // Mostly horizontal: walk the columns, visit a short run of rows around the line.
                    let x0 = max(Int((min(a.x, b.x) - reach).rounded(.down)), clip.x)
                    let x1 = min(Int((max(a.x, b.x) + reach).rounded(.up)), clip.maxX - 1)
                    guard x0 <= x1 else { continue }
                    for px in x0 ... x1 {
                        let t = dx == 0 ? 0 : min(max((Double(px) + 0.5 - a.x) / dx, 0), 1)
                        let yc = a.y + t * dy
                        for py in Int((yc - reach).rounded(.down)) ... Int((yc + reach).rounded(.up)) {
                            cover(px, py, a, b)
                        }
                    }
                } else {
                    // Mostly vertical: walk the rows, visit a short run of columns.
                    let y0 = max(Int((min(a.y, b.y) - reach).rounded(.down)), clip.y)
                    let y1 = min(Int((max(a.y, b.y) + reach).rounded(.up)), clip.maxY - 1)
                    guard y0 <= y1 else { continue }
                    for py in y0 ... y1 {
                        let t = min(max((Double(py) + 0.5 - a.y) / dy, 0), 1)
                        let xc = a.x + t * dx
                        for px in Int((xc - reach).rounded(.down)) ... Int((xc + reach).rounded(.up)) {
                            cover(px, py, a, b)
                        }
                    }
                }
            }

            for row in 0 ..< clip.height {
                for column in 0 ..< clip.width where coverage[row * clip.width + column] > 0 {
                    blend(x: clip.x + column, y: clip.y + row, color: color, alpha: coverage[row * clip.width + column])
                }
            }
        }

        /// Fills an anti-aliased disc centred at (cx, cy), clipped to `clip`.
        mutating func fillCircle(cx: Double, cy: Double, radius: Double, color: RGB, clip: PixelRect) {
            let x0 = max(Int((cx - radius - 1).rounded(.down)), clip.x)
            let x1 = min(Int((cx + radius + 1).rounded(.up)), clip.maxX - 1)
            let y0 = max(Int((cy - radius - 1).rounded(.down)), clip.y)
            let y1 = min(Int((cy + radius + 1).rounded(.up)), clip.maxY - 1)
            guard x0 <= x1, y0 <= y1 else { return }
            for py in y0 ... y1 {
                for px in x0 ... x1 {
                    let d = hypot(Double(px) + 0.5 - cx, Double(py) + 0.5 - cy)
                    blend(x: px, y: py, color: color, alpha: min(max(radius + 0.5 - d, 0), 1))
                }
            }
        }

        /// Draws `text` with the bitmap font, each font pixel a `scale` x `scale` block.
        ///
        /// Horizontal text: (x, y) is the top-left corner of the first capital letter.
        /// Vertical text (`vertical: true`) reads bottom to top, rotated a quarter turn
        /// counter-clockwise: (x, y) is then the bottom-left corner, with the tops of the letters facing left.
        mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, color: RGB, vertical: Bool = false) {
            for (index, character) in text.enumerated() {
                for (row, bits) in BitmapFont.glyph(for: character).enumerated() {
                    for (column, bit) in bits.enumerated() where bit == "#" {
                        let u = index * BitmapFont.advance + column  // along the text
                        let v = row                                  // down from the top of the capitals
                        let block = vertical
                            ? PixelRect(x: x + v * scale, y: y - (u + 1) * scale, width: scale, height: scale)
                            : PixelRect(x: x + u * scale, y: y + v * scale, width: scale, height: scale)
                        fill(block, color: color)
                    }
                }
            }
        }
    }
}

/// Distance from point `p` to the segment from `a` to `b`.
private func distance(from p: (Double, Double), toSegment a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
    let dx = b.x - a.x, dy = b.y - a.y
    let lengthSquared = dx * dx + dy * dy
    var t = lengthSquared == 0 ? 0 : ((p.0 - a.x) * dx + (p.1 - a.y) * dy) / lengthSquared
    t = min(max(t, 0), 1)
    return hypot(p.0 - (a.x + t * dx), p.1 - (a.y + t * dy))
}
