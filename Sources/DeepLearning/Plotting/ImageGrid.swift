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
