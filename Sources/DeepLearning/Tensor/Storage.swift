import Synchronization

/// The memory behind one or more tensors: a buffer of `Float`s taken from ``BufferPool`` and given back
/// to it when the last tensor (or view) that uses it goes away.
///
/// Tensors are values; `Storage` is the shared reference that makes views free and copy-on-write cheap.
public final class Storage {
    /// First element of the buffer.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements this storage holds.
    public let count: Int
    private let capacity: Int

    /// A buffer of `count` elements whose contents are undefined (callers write every element).
    init(uninitializedCount count: Int) {
        self.count = count
        (base, capacity) = BufferPool.shared.take(count)
    }

    /// A buffer of `count` zeros.
    convenience init(zeroedCount count: Int) {
        self.init(uninitializedCount: count)
        base.update(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(base, capacity: capacity) }
}

/// Reuses buffers so that a training step does not call `malloc` per op.
///
/// Buffers are bucketed by power-of-two capacity; a freed buffer goes on its bucket's free list and the
/// next request of that bucket takes it. The lists are bounded in bytes, so a one-off huge tensor does not
/// stay pinned forever.
public final class BufferPool: @unchecked Sendable {
    /// The process-wide pool.
    public static let shared = BufferPool()

    private struct State {
        var free: [[UnsafeMutablePointer<Float>]] = Array(repeating: [], count: 64)
        var pooledBytes = 0
    }
    private let state = Mutex(State())
    /// Upper bound of memory kept on the free lists.
    public var maxPooledBytes = 2 << 30

    private static func bucket(for count: Int) -> Int {
        count <= 16 ? 4 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let b = Self.bucket(for: count)
        let capacity = 1 << b
        let reused: UnsafeMutablePointer<Float>? = state.withLock { s in
            guard let p = s.free[b].popLast() else { return nil }
            s.pooledBytes -= capacity * 4
            return p
        }
        if let reused { return (reused, capacity) }
        // 64-byte alignment keeps SIMD loads on cache lines.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    func give(_ p: UnsafeMutablePointer<Float>, capacity: Int) {
        let b = Self.bucket(for: capacity)
        let kept = state.withLock { s -> Bool in
            guard s.pooledBytes + capacity * 4 <= maxPooledBytes else { return false }
            s.free[b].append(p)
            s.pooledBytes += capacity * 4
            return true
        }
        if !kept { UnsafeMutableRawPointer(p).deallocate() }
    }

    /// Frees every pooled buffer (memory held by live tensors is untouched).
    public func drain() {
        let all = state.withLock { s -> [UnsafeMutablePointer<Float>] in
            defer { s = State() }
            return s.free.flatMap { $0 }
        }
        for p in all { UnsafeMutableRawPointer(p).deallocate() }
    }
}
