import Foundation

/// A learning rate as a function of the step (or epoch) count, in closed form, as MLX's schedules.
///
/// ```swift
/// let schedule = LinearWarmup(steps: 100, then: CosineAnnealingLR(initial: 1e-3, tMax: 900))
/// for t in 0..<1000 {
///     optimizer.learningRate = schedule(t)
///     …; optimizer.step()
/// }
/// ```
///
/// `schedule(t)` is the learning rate PyTorch's scheduler gives after t calls of `scheduler.step()`.
/// The same types bound to an optimizer are PyTorch's schedulers (``LRScheduler``):
/// `let scheduler = StepLR(optimizer, stepSize: 30)`, then `scheduler.step()` once per epoch.
public protocol LearningRateSchedule {
    /// η at step `step` (0 for the first).
    func callAsFunction(_ step: Int) -> Float
}

/// η_t = η₀ · γ^⌊t / stepSize⌋: the rate falls by γ every `stepSize` steps, as `torch.optim.lr_scheduler.StepLR`.
public struct StepLR: LRScheduler {
    /// η₀, the period in steps, and the factor γ.
    public let initial: Float, stepSize: Int, gamma: Float

    /// η₀ = `initial`, multiplied by γ every `stepSize` steps.
    /// The optimizer this schedule drives through ``LRScheduler/step()``; nil for a closed-form schedule.
    public var binding: SchedulerBinding?

    public init(initial: Float, stepSize: Int, gamma: Float = 0.1) {
        require(stepSize > 0, "StepLR: stepSize must be > 0, got \(stepSize)")
        self.initial = initial
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// η at `step` (from 0, counted in calls to the optimizer's `step()` or in epochs, as the caller uses it).
    public func callAsFunction(_ step: Int) -> Float {
        Float(Double(initial) * Foundation.pow(Double(gamma), Double(step / stepSize)))
    }
}

/// η_t = η₀ · γᵗ, as `torch.optim.lr_scheduler.ExponentialLR`.
public struct ExponentialLR: LRScheduler {
    /// η₀ and the factor γ per step.
    public let initial: Float, gamma: Float

    /// η₀ = `initial`, multiplied by γ every step.
    /// The optimizer this schedule drives through ``LRScheduler/step()``; nil for a closed-form schedule.
    public var binding: SchedulerBinding?

    public init(initial: Float, gamma: Float) {
        self.initial = initial
        self.gamma = gamma
    }

    /// η at `step` (from 0, counted in calls to the optimizer's `step()` or in epochs, as the caller uses it).
    public func callAsFunction(_ step: Int) -> Float {
        Float(Double(initial) * Foundation.pow(Double(gamma), Double(step)))
    }
}

/// η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2, the closed form of
/// `torch.optim.lr_scheduler.CosineAnnealingLR` (a half cosine from η₀ down to η_min over T_max steps,
/// continuing as a cosine afterwards).
public struct CosineAnnealingLR: LRScheduler {
    /// η₀, the half period T_max in steps, and η_min.
    public let initial: Float, tMax: Int, etaMin: Float

    /// From η₀ = `initial` down to `etaMin` over `tMax` steps.
    /// The optimizer this schedule drives through ``LRScheduler/step()``; nil for a closed-form schedule.
    public var binding: SchedulerBinding?

    public init(initial: Float, tMax: Int, etaMin: Float = 0) {
        require(tMax > 0, "CosineAnnealingLR: tMax must be > 0, got \(tMax)")
        self.initial = initial
        self.tMax = tMax
        self.etaMin = etaMin
    }

    /// η at `step` (from 0, counted in calls to the optimizer's `step()` or in epochs, as the caller uses it).
    public func callAsFunction(_ step: Int) -> Float {
        let lo = Double(etaMin), hi = Double(initial)
        return Float(lo + (hi - lo) * (1 + Foundation.cos(Double.pi * Double(step) / Double(tMax))) / 2)
    }
}

/// A linear warm-up over `steps` steps, then another schedule (started at its own step 0):
///
///     η_t = after(0) · (s + (1 − s) t / W)    for t < W
///     η_t = after(t − W)                      for t ≥ W
///
/// with W = `steps` and start factor s (1/W by default). As PyTorch's
/// `SequentialLR([LinearLR(start_factor=s, total_iters=W), after], milestones=[W])`.
public struct LinearWarmup: LearningRateSchedule {
    /// W, the warm-up length, and s, the fraction of after(0) at step 0.
    public let steps: Int, startFactor: Float
    /// The schedule that follows the warm-up.
    public let after: any LearningRateSchedule

    /// A warm-up over `steps` steps from `startFactor`·after(0) (1/`steps` by default), then `after`.
    public init(steps: Int, startFactor: Float? = nil, then after: any LearningRateSchedule) {
        require(steps > 0, "LinearWarmup: steps must be > 0, got \(steps)")
        self.steps = steps
        self.startFactor = startFactor ?? 1 / Float(steps)
        require(self.startFactor >= 0 && self.startFactor <= 1, "LinearWarmup: startFactor must lie in [0, 1], got \(self.startFactor)")
        self.after = after
    }

    /// η at `step` (from 0, counted in calls to the optimizer's `step()` or in epochs, as the caller uses it).
    public func callAsFunction(_ step: Int) -> Float {
        guard step < steps else { return after(step - steps) }
        let s = Double(startFactor)
        return Float(Double(after(0)) * (s + (1 - s) * Double(step) / Double(steps)))
    }
}
