import Foundation

// Schedulers as PyTorch users know them: bound to an optimizer, `step()` once per epoch (or per batch),
// `getLastLR()`. Each is also a closed-form schedule (`schedule(t)`, see Schedules.swift); a bound
// scheduler sets the optimizer's rate to schedule(number of step() calls so far).

/// What a scheduler bound to an optimizer keeps: the optimizer, the number of ``LRScheduler/step()`` calls
/// (PyTorch's `last_epoch`) and the rate the last call set.
public final class SchedulerBinding {
    /// The optimizer whose ``Optimizer/lr`` the scheduler sets.
    public let optimizer: Optimizer
    /// Number of `step()` calls so far (PyTorch's `last_epoch`).
    public internal(set) var lastEpoch = 0
    /// The rate set by the last `step()` (or by the construction).
    public internal(set) var lastLR: Float

    /// Binds to `optimizer`, recording its rate as PyTorch's `initial_lr` if no scheduler did so before.
    init(_ optimizer: Optimizer) {
        self.optimizer = optimizer
        if optimizer.initialLR == nil { optimizer.initialLR = optimizer.lr }
        lastLR = optimizer.lr
    }

    /// The base rate of a scheduler bound now: the optimizer's rate before any scheduler changed it.
    var baseLR: Float { optimizer.initialLR ?? optimizer.lr }
}

/// A learning-rate scheduler bound to an optimizer, as `torch.optim.lr_scheduler.LRScheduler`:
///
/// ```swift
/// let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// for epoch in 0..<90 {
///     train(…); scheduler.step()
///     print(scheduler.getLastLR())   // [0.1] … then [0.01] from epoch 29 on
/// }
/// ```
///
/// Creating one sets the optimizer's rate to the schedule's value at step 0; each ``step()`` sets it to the
/// value at the next step. The schedule is the closed form (`scheduler(t)`), which for these schedulers
/// gives the same values as PyTorch's recursive form (the tests compare them with PyTorch 2.13's).
public protocol LRScheduler: LearningRateSchedule {
    /// The optimizer and step count; nil for a schedule used as a plain function of the step.
    var binding: SchedulerBinding? { get set }
}

extension LRScheduler {
    /// Advances one step (epoch) and sets the optimizer's rate, as `scheduler.step()`.
    public func step() {
        guard let binding else {
            failure("\(type(of: self)).step(): this schedule is not bound to an optimizer; create it as "
                + "\(type(of: self))(optimizer, …), or call it as a function of the step: schedule(t)")
        }
        binding.lastEpoch += 1
        binding.lastLR = self(binding.lastEpoch)
        binding.optimizer.lr = binding.lastLR
    }

    /// The rate the last ``step()`` set, one per parameter group (we have one), as `get_last_lr()`.
    public func getLastLR() -> [Float] {
        guard let binding else { failure("\(type(of: self)).getLastLR(): this schedule is not bound to an optimizer") }
        return [binding.lastLR]
    }

    /// Number of ``step()`` calls so far (PyTorch's `last_epoch`); 0 when not bound.
    public var lastEpoch: Int { binding?.lastEpoch ?? 0 }

    /// The schedule `make` builds from the optimizer's base rate, bound to `optimizer`, with its value at
    /// step 0 applied to the optimizer, as PyTorch's constructors do.
    static func bound(to optimizer: Optimizer, _ make: (_ baseLR: Float) -> Self) -> Self {
        let binding = SchedulerBinding(optimizer)
        var schedule = make(binding.baseLR)
        schedule.binding = binding
        binding.lastLR = schedule(0)
        optimizer.lr = binding.lastLR
        return schedule
    }
}

extension StepLR {
    /// η₀ (the optimizer's rate), multiplied by γ every `stepSize` calls of ``LRScheduler/step()``, as
    /// `StepLR(optimizer, step_size, gamma)`.
    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Float = 0.1) {
        self = .bound(to: optimizer) { Self(initial: $0, stepSize: stepSize, gamma: gamma) }
    }
}

extension ExponentialLR {
    /// η₀ (the optimizer's rate) multiplied by γ at every step, as `ExponentialLR(optimizer, gamma)`.
    public init(_ optimizer: Optimizer, gamma: Float) {
        self = .bound(to: optimizer) { Self(initial: $0, gamma: gamma) }
    }
}

extension CosineAnnealingLR {
    /// From the optimizer's rate down to `etaMin` over `tMax` steps, as `CosineAnnealingLR(optimizer, T_max, eta_min)`.
    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Float = 0) {
        self = .bound(to: optimizer) { Self(initial: $0, tMax: tMax, etaMin: etaMin) }
    }
}

/// η_t = η₀ · γ^(number of milestones ≤ t), as `torch.optim.lr_scheduler.MultiStepLR`.
public struct MultiStepLR: LRScheduler {
    /// η₀, the steps at which the rate falls (increasing), and the factor γ.
    public let initial: Float, milestones: [Int], gamma: Float
    public var binding: SchedulerBinding?

    /// η₀ = `initial`, multiplied by γ at each of `milestones`.
    public init(initial: Float, milestones: [Int], gamma: Float = 0.1) {
        require(milestones == milestones.sorted(), "MultiStepLR: milestones \(milestones) must be increasing")
        self.initial = initial
        self.milestones = milestones
        self.gamma = gamma
    }

    /// Bound to `optimizer`, from its rate, as `MultiStepLR(optimizer, milestones, gamma)`.
    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Float = 0.1) {
        self = .bound(to: optimizer) { Self(initial: $0, milestones: milestones, gamma: gamma) }
    }

    public func callAsFunction(_ step: Int) -> Float {
        Float(Double(initial) * Foundation.pow(Double(gamma), Double(milestones.filter { $0 <= step }.count)))
    }
}

/// η_t = η₀ · (s + (e − s) · min(t, T) / T): the factor moves linearly from s to e over T steps, then stays,
/// as `torch.optim.lr_scheduler.LinearLR` (s = 1/3, e = 1, T = 5 by default).
public struct LinearLR: LRScheduler {
    /// η₀, the start and end factors s and e, and T.
    public let initial: Float, startFactor: Float, endFactor: Float, totalIters: Int
    public var binding: SchedulerBinding?

    /// From `startFactor`·η₀ to `endFactor`·η₀ over `totalIters` steps.
    public init(initial: Float, startFactor: Float = 1.0 / 3, endFactor: Float = 1, totalIters: Int = 5) {
        require(startFactor > 0 && startFactor <= 1, "LinearLR: startFactor must lie in (0, 1], got \(startFactor)")
        require(endFactor >= 0 && endFactor <= 1, "LinearLR: endFactor must lie in [0, 1], got \(endFactor)")
        require(totalIters > 0, "LinearLR: totalIters must be > 0, got \(totalIters)")
        self.initial = initial
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
    }

    /// Bound to `optimizer`, from its rate, as `LinearLR(optimizer, start_factor, end_factor, total_iters)`.
    public init(_ optimizer: Optimizer, startFactor: Float = 1.0 / 3, endFactor: Float = 1, totalIters: Int = 5) {
        self = .bound(to: optimizer) { Self(initial: $0, startFactor: startFactor, endFactor: endFactor, totalIters: totalIters) }
    }

    public func callAsFunction(_ step: Int) -> Float {
        let s = Double(startFactor), e = Double(endFactor)
        return Float(Double(initial) * (s + (e - s) * Double(Swift.min(step, totalIters)) / Double(totalIters)))
    }
}

/// The 1cycle policy of Smith & Topin (2017, "Super-Convergence"), as `torch.optim.lr_scheduler.OneCycleLR`:
/// from η_max/`divFactor` up to η_max over the first `pctStart` of `totalSteps`, then down to
/// η_max/(`divFactor`·`finalDivFactor`) (with `threePhase`, back to the start first, then down), each phase
/// a half cosine (or a line). It does not cycle the momentum (PyTorch's `cycle_momentum`).
public struct OneCycleLR: LRScheduler {
    /// How the rate moves within a phase.
    public enum AnnealStrategy: Sendable { case cos, linear }
    /// η_max, the number of steps, and the shape of the cycle.
    public let maxLR: Float, totalSteps: Int, pctStart: Float, annealStrategy: AnnealStrategy
    public let divFactor: Float, finalDivFactor: Float, threePhase: Bool
    public var binding: SchedulerBinding?

    /// A cycle of `totalSteps` steps peaking at `maxLR` (PyTorch's defaults).
    public init(maxLR: Float, totalSteps: Int, pctStart: Float = 0.3, annealStrategy: AnnealStrategy = .cos,
                divFactor: Float = 25, finalDivFactor: Float = 1e4, threePhase: Bool = false) {
        require(totalSteps > 0, "OneCycleLR: totalSteps must be > 0, got \(totalSteps)")
        require(pctStart > 0 && pctStart < 1, "OneCycleLR: pctStart must lie in (0, 1), got \(pctStart)")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.annealStrategy = annealStrategy
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
    }

    /// Bound to `optimizer` (whose rate it replaces from the start), as `OneCycleLR(optimizer, max_lr, total_steps)`.
    public init(_ optimizer: Optimizer, maxLR: Float, totalSteps: Int, pctStart: Float = 0.3, annealStrategy: AnnealStrategy = .cos,
                divFactor: Float = 25, finalDivFactor: Float = 1e4, threePhase: Bool = false) {
        self = .bound(to: optimizer) { _ in Self(maxLR: maxLR, totalSteps: totalSteps, pctStart: pctStart, annealStrategy: annealStrategy,
                  divFactor: divFactor, finalDivFactor: finalDivFactor, threePhase: threePhase) }
    }

    public func callAsFunction(_ step: Int) -> Float {
        require(step < totalSteps, "OneCycleLR: tried to step \(step) times; the cycle has totalSteps = \(totalSteps)")
        let peak = Double(maxLR), start = peak / Double(divFactor), end = start / Double(finalDivFactor)
        let p = Double(pctStart) * Double(totalSteps)
        let phases: [(end: Double, from: Double, to: Double)] = threePhase
            ? [(p - 1, start, peak), (2 * p - 2, peak, start), (Double(totalSteps - 1), start, end)]
            : [(p - 1, start, peak), (Double(totalSteps - 1), peak, end)]
        var phaseStart = 0.0
        for (i, phase) in phases.enumerated() {
            if Double(step) <= phase.end || i == phases.count - 1 {
                let pct = (Double(step) - phaseStart) / (phase.end - phaseStart)
                switch annealStrategy {
                case .cos: return Float(phase.to + (phase.from - phase.to) / 2 * (Foundation.cos(Double.pi * pct) + 1))
                case .linear: return Float((phase.to - phase.from) * pct + phase.from)
                }
            }
            phaseStart = phase.end
        }
        return Float(end)
    }
}

/// One schedule after another: `schedulers[i]` runs from `milestones[i − 1]` (its own step 0 there), as
/// `torch.optim.lr_scheduler.SequentialLR`. A warm-up then a decay:
/// `SequentialLR(optimizer, schedulers: [LinearLR(optimizer, startFactor: 0.1, totalIters: 3),
/// ExponentialLR(optimizer, gamma: 0.9)], milestones: [3])`.
public struct SequentialLR: LRScheduler {
    /// The schedules, and the steps at which each after the first starts.
    public let schedulers: [any LearningRateSchedule], milestones: [Int]
    public var binding: SchedulerBinding?

    /// `schedulers.count − 1` increasing milestones.
    public init(schedulers: [any LearningRateSchedule], milestones: [Int]) {
        require(!schedulers.isEmpty && milestones.count == schedulers.count - 1,
                "SequentialLR: \(schedulers.count) schedulers need \(Swift.max(schedulers.count - 1, 0)) milestones, got \(milestones.count)")
        require(milestones == milestones.sorted(), "SequentialLR: milestones \(milestones) must be increasing")
        self.schedulers = schedulers
        self.milestones = milestones
    }

    /// Bound to `optimizer`; the schedulers were built on the same optimizer (their base rate is its rate
    /// before the first of them changed it, PyTorch's `initial_lr`).
    public init(_ optimizer: Optimizer, schedulers: [any LearningRateSchedule], milestones: [Int]) {
        self = .bound(to: optimizer) { _ in Self(schedulers: schedulers, milestones: milestones) }
    }

    public func callAsFunction(_ step: Int) -> Float {
        let i = milestones.filter { $0 <= step }.count
        return schedulers[i](step - (i == 0 ? 0 : milestones[i - 1]))
    }
}

/// Lowers the rate by `factor` when a metric has stopped improving for `patience` epochs, as
/// `torch.optim.lr_scheduler.ReduceLROnPlateau` (same arguments, same thresholds and cool-down).
///
/// ```swift
/// let scheduler = ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2)
/// for epoch in 0..<epochs { …; scheduler.step(validationLoss) }
/// ```
public final class ReduceLROnPlateau {
    /// Whether a lower (`.min`) or a higher (`.max`) metric is better.
    public enum Mode: Sendable { case min, max }
    /// Whether `threshold` is relative to the best value (`.rel`) or absolute (`.abs`).
    public enum ThresholdMode: Sendable { case rel, abs }

    public let optimizer: Optimizer
    public let mode: Mode, factor: Float, patience: Int, threshold: Float, thresholdMode: ThresholdMode
    public let cooldown: Int, minLR: Float, eps: Float
    /// The best metric so far.
    public private(set) var best: Double
    /// Epochs since the last improvement (PyTorch's `num_bad_epochs`).
    public private(set) var badEpochs = 0
    /// Epochs of cool-down left after a reduction.
    public private(set) var cooldownCounter = 0
    /// Number of ``step(_:)`` calls so far.
    public private(set) var lastEpoch = 0

    /// PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 relative, no cool-down.
    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Float = 0.1, patience: Int = 10, threshold: Float = 1e-4,
                thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLR: Float = 0, eps: Float = 1e-8) {
        require(factor < 1, "ReduceLROnPlateau: factor must be < 1, got \(factor)")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    /// Whether `value` improves on ``best`` by more than the threshold.
    func isBetter(_ value: Double) -> Bool {
        let t = Double(threshold)
        switch (mode, thresholdMode) {
        case (.min, .rel): return value < best * (1 - t)
        case (.min, .abs): return value < best - t
        case (.max, .rel): return value > best * (1 + t)
        case (.max, .abs): return value > best + t
        }
    }

    /// Records the epoch's metric and lowers the rate to max(η·factor, minLR) after more than `patience`
    /// epochs without improvement (a change smaller than `eps` is skipped), as `scheduler.step(metric)`.
    public func step(_ metric: Float) {
        let value = Double(metric)
        lastEpoch += 1
        if isBetter(value) {
            best = value
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let old = Double(optimizer.lr), new = Swift.max(old * Double(factor), Double(minLR))
            if old - new > Double(eps) { optimizer.lr = Float(new) }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }

    /// The optimizer's rate, as `get_last_lr()`.
    public func getLastLR() -> [Float] { [optimizer.lr] }
}
