extension PNG {
    /// Tiles square grayscale images (e.g. 28x28 generated digits) into one grid image.
    ///
    /// - Parameters:
    ///   - images: up to `rows * cols` images of `size * size` bytes each, filled row by row;
    ///     missing cells stay background.
    ///   - rows: number of grid rows.
    ///   - cols: number of grid columns.
    ///   - size: side length of each image in pixels.
    ///   - padding: background pixels between and around the images (before scaling).
    ///   - scale: each image pixel becomes a `scale` x `scale` block, to make small images visible.
    ///   - background: gray level of the padding.
    /// - Returns: the grid's pixels (row-major, one byte per pixel) and its size.
    /// - Precondition: every image has `size * size` bytes and there are at most `rows * cols` of them.
    public static func grid(gray images: [[UInt8]], rows: Int, cols: Int, size: Int,
                            padding: Int = 2, scale: Int = 1, background: UInt8 = 128)
        -> (pixels: [UInt8], width: Int, height: Int) {
        require(rows > 0 && cols > 0 && size > 0 && padding >= 0 && scale > 0, "PNG.grid: bad layout")
        require(images.count <= rows * cols, "PNG.grid: \(images.count) images do not fit in \(rows)x\(cols)")
        let cell = size + padding
        let width = (cols * cell + padding) * scale
        let height = (rows * cell + padding) * scale
        var pixels = [UInt8](repeating: background, count: width * height)
        for (index, image) in images.enumerated() {
            require(image.count == size * size, "PNG.grid: image \(index) has \(image.count) bytes, expected \(size * size)")
            let left = (padding + (index % cols) * cell) * scale
            let top = (padding + (index / cols) * cell) * scale
            for y in 0 ..< size * scale {
                for x in 0 ..< size * scale {
                    pixels[(top + y) * width + left + x] = image[(y / scale) * size + x / scale]
                }
            }
        }
        return (pixels, width, height)
    }

    /// Tiles square grayscale images into a grid (see `grid(gray:rows:cols:size:padding:scale:background:)`)
    /// and writes it atomically as a PNG file.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public static func writeGrid(gray images: [[UInt8]], rows: Int, cols: Int, size: Int,
                                 padding: Int = 2, scale: Int = 1, toPath path: String) throws {
        let grid = grid(gray: images, rows: rows, cols: cols, size: size, padding: padding, scale: scale)
        try write(gray: grid.pixels, width: grid.width, height: grid.height, toPath: path)
    }
}

extension PNG {
    /// Writes colour images in a grid, each with caption lines under it, as a PNG file; images flagged in
    /// `marked` get a red frame and red captions (e.g. wrong predictions).
    ///
    /// - Parameters:
    ///   - path: the PNG file to write.
    ///   - size: the side of each square image, in pixels.
    ///   - marked: one flag per image; a flagged image gets a red frame and red captions.
    ///   - images: `size · size · 3` bytes each in CIFAR's planar layout (the R plane, then G, then B, each row-major).
    ///   - captions: lines under each image (the bitmap font's ASCII; at most ⌊size · scale / 6⌋ characters fit).
    ///   - cols: images per row; rows follow from the count.
    ///   - scale: each image pixel becomes a `scale` × `scale` block.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public static func writeCaptionedGrid(planarRGB images: [[UInt8]], size: Int, captions: [[String]], marked: [Bool],
                                          cols: Int, scale: Int = 2, toPath path: String) throws {
        require(images.count == captions.count && images.count == marked.count && cols > 0 && !images.isEmpty,
                "PNG.writeCaptionedGrid: \(images.count) images, \(captions.count) captions, \(marked.count) marks")
        let lines = captions.map(\.count).max() ?? 0
        let side = size * scale, pad = 6
        let captionWidth = captions.flatMap { $0 }.map(BitmapFont.width(of:)).max() ?? 0
        let cellW = Swift.max(side, captionWidth) + pad, cellH = side + pad + lines * (BitmapFont.capHeight + BitmapFont.descent + 2)
        let rows = (images.count + cols - 1) / cols
        var canvas = LinePlot.Canvas(width: cols * cellW + pad, height: rows * cellH + pad)
        let red = LinePlot.RGB(0xD62728)
        for (index, image) in images.enumerated() {
            require(image.count == 3 * size * size, "PNG.writeCaptionedGrid: image \(index) has \(image.count) bytes, expected \(3 * size * size)")
            let left = pad + (index % cols) * cellW, top = pad + (index / cols) * cellH
            if marked[index] {
                canvas.fill(LinePlot.PixelRect(x: left - 3, y: top - 3, width: side + 6, height: side + 6), color: red)
            }
            for y in 0..<side {
                for x in 0..<side {
                    let p = (y / scale) * size + x / scale
                    let rgb = LinePlot.RGB(UInt32(image[p]) << 16 | UInt32(image[size * size + p]) << 8 | UInt32(image[2 * size * size + p]))
                    canvas.fill(LinePlot.PixelRect(x: left + x, y: top + y, width: 1, height: 1), color: rgb)
                }
            }
            for (line, text) in captions[index].enumerated() {
                canvas.drawText(text, x: left, y: top + side + 4 + line * (BitmapFont.capHeight + BitmapFont.descent + 2), scale: 1,
                                color: marked[index] ? red : .black)
            }
        }
        try write(rgb: canvas.pixels, width: canvas.width, height: canvas.height, toPath: path)
    }
}
