/// An optimizer's update as a pure function of vectors, as it reads in its paper: the parameter θ, its
/// gradient g and the optimizer's state for the same coordinates (Adam's m and v, SGD's momentum b, …) go
/// in, the new θ and the new state come out. A rule holds the step's hyper-parameters (η, β₁, the bias
/// corrections of step t, …) and nothing else: no pointers, no loop, no threads. Those are in one shared
/// driver, ``UpdateDriver``, that every optimizer uses (as Optimisers.jl's `apply!` and MLX's
/// `apply_single`: the rule, then one loop that maps it over the parameter).
///
/// A struct, not a closure, so that the driver is specialized for each rule and the rule is inlined into a
/// plain vector loop.
protocol UpdateRule {
    /// The vectors a rule works on: a block of coordinates (see ``UpdateDriver``).
    typealias V = FloatVector
    /// The optimizer's state of one block of coordinates, as named vectors.
    associatedtype State: StateVectors
    /// (θ, g, state) → (θ′, state′) for one block of coordinates.
    func callAsFunction(_ theta: V, _ g: V, _ state: State) -> (theta: V, state: State)
}

/// The state of a block of coordinates as named vectors (m, v, …) in up to three slots; the driver loads
/// each slot from its state buffer and stores it back (slots the optimizer does not keep read as 0).
protocol StateVectors {
    init(_ vectors: (FloatVector, FloatVector, FloatVector))
    var vectors: (FloatVector, FloatVector, FloatVector) { get }
}

/// The one loop of every optimizer: applies an ``UpdateRule`` to each block of a parameter's coordinates,
/// loading θ, g and the state buffers, storing θ′ and the new state; the last block may be partial (its
/// missing lanes read as 0 and are not written). Large parameters are split across cores.
enum UpdateDriver {
    /// θ, g and up to three state buffers of `count` floats each, in the slots of the rule's
    /// ``StateVectors`` (nil: a slot this optimizer does not keep, never read or written); θ and the state are
    /// updated in place.
    @inline(__always)
    static func run<R: UpdateRule>(_ rule: R, theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                                   state: [UnsafeMutablePointer<Float>?], count n: Int) {
        require(state.count <= 3, "UpdateDriver: at most 3 state buffers, got \(state.count)")
        let slot = { (k: Int) in k < state.count ? state[k] : nil }
        let loop = BlockLoop(rule: rule, theta: theta, gradient: gradient,
                             s0: slot(0) ?? theta, s1: slot(1) ?? theta, s2: slot(2) ?? theta,
                             has0: slot(0) != nil, has1: slot(1) != nil, has2: slot(2) != nil)
        let width = FloatVector.scalarCount
        let whole = n / width
        Parallel.forEach(whole, costPerItem: costPerBlock) { blocks in
            for b in blocks { loop(b * width, FullLanes()) }
        }
        if n % width != 0 { loop(whole * width, PartialLanes(count: n % width)) }
    }

    /// The cost of a block of one vector, for ``Parallel/forEach(_:costPerItem:_:)``: updates are split across
    /// cores from 512 K elements (at 200 K, an MNIST MLP, a second core gained nothing even for Adam: 140 µs
    /// on one core, 157 µs on two).
    static let costPerBlock = 2 * FloatVector.scalarCount / 8

    /// Whether ``run(_:theta:gradient:state:count:)`` splits an update of `count` elements across cores.
    static func splitsAcrossCores(count n: Int) -> Bool {
        Parallel.chunkCount(n / FloatVector.scalarCount, costPerItem: costPerBlock) > 1
    }

    /// One block: load, apply the rule, store. Slots without a buffer read as 0 and are not written.
    private struct BlockLoop<R: UpdateRule> {
        let rule: R
        let theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
        let s0: UnsafeMutablePointer<Float>, s1: UnsafeMutablePointer<Float>, s2: UnsafeMutablePointer<Float>
        let has0: Bool, has1: Bool, has2: Bool

        @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
            var s = (FloatVector.zero, FloatVector.zero, FloatVector.zero)
            if has0 { s.0 = lanes.load(s0 + i) }
            if has1 { s.1 = lanes.load(s1 + i) }
            if has2 { s.2 = lanes.load(s2 + i) }
            let (newTheta, newState) = rule(lanes.load(theta + i), lanes.load(gradient + i), R.State(s))
            let out = newState.vectors
            if has0 { lanes.store(out.0, s0 + i) }
            if has1 { lanes.store(out.1, s1 + i) }
            if has2 { lanes.store(out.2, s2 + i) }
            lanes.store(newTheta, theta + i)
        }
    }
}
