/// Upsampling layer, as `torch.nn.Upsample`: resizes the last two axes of [N, C, H, W] (or [C, H, W]) to
/// `size`, or by `scaleFactor`, with nearest or bilinear interpolation (see
/// `interpolate(_:size:scaleFactor:mode:alignCorners:)`). No parameters.
public final class Upsample: Module, Layer {
    /// Output height and width, when made with a size.
    public let size: (Int, Int)?
    /// Factors (sₕ, s_w) applied to the height and width, when made with a scale factor.
    public let scaleFactor: (Double, Double)?
    /// Nearest (PyTorch's default) or bilinear.
    public let mode: InterpolationMode
    /// Bilinear only: map the corner pixels of input and output onto each other.
    public let alignCorners: Bool

    /// Upsampling to a fixed size or by per-axis factors (give exactly one).
    @_disfavoredOverload
    public init(size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil, mode: InterpolationMode = .nearest,
                alignCorners: Bool = false) {
        require((size == nil) != (scaleFactor == nil), "Upsample: give exactly one of size and scaleFactor")
        require(mode == .bilinear || !alignCorners, "Upsample: alignCorners applies to bilinear mode only, not \(mode.rawValue)")
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }

    /// Upsampling to a square size, or by the same factor along both axes.
    public convenience init(size: Int? = nil, scaleFactor: Double? = nil, mode: InterpolationMode = .nearest, alignCorners: Bool = false) {
        self.init(size: size.map { ($0, $0) }, scaleFactor: scaleFactor.map { ($0, $0) }, mode: mode, alignCorners: alignCorners)
    }

    /// The resized images: [N, C, H, W] → [N, C, OH, OW].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        recorded(interpolate(x, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners))
    }

    public override var extraRepr: String {
        let target = scaleFactor.map { "scale_factor=" + ($0.0 == $0.1 ? "\($0.0)" : "(\($0.0), \($0.1))") } ?? "size=\(pythonPair(size!))"
        return target + ", mode='\(mode.rawValue)'"
    }
}
