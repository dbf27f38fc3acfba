import CBLAS

/// Splitting work across cores. One helper for the whole library, so the policy lives in one place.
public enum Parallel {
    /// Number of worker threads our own loops use (defaults to the number of active cores).
    nonisolated(unsafe) public static var threadCount = defaultThreadCount
    /// The number of active cores.
    public static let defaultThreadCount = max(1, ProcessInfoCores.active)

    /// Calls `body` on disjoint chunks of `0..<n` in parallel when `n * costPerItem` is large enough to pay
    /// for handing a chunk to a worker (at least 65,536 per chunk: mapping 64 K floats in two halves took
    /// 13.5 µs against 8.8 µs inline on 2 cores, 256 K floats 35 µs against 46 µs); otherwise runs it inline.
    /// The chunks depend only on `n`, `costPerItem` and ``threadCount``; workers are the library's own threads
    /// (`WorkerPool`), which sleep when idle. A call from inside a chunk runs its chunks inline.
    @inline(__always)
    public static func forEach(_ n: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(n, costPerItem: costPerItem)
        if chunks <= 1 {
            body(0..<n)
            return
        }
        WorkerPool.shared.run(chunks: chunks) { c in
            body((n * c / chunks)..<(n * (c + 1) / chunks))
        }
    }

    /// The number of chunks ``forEach(_:costPerItem:_:)`` splits `0..<n` into (1: it runs inline).
    @inline(__always)
    static func chunkCount(_ n: Int, costPerItem: Int) -> Int { min(threadCount, n, max(1, n * costPerItem / 65_536)) }

    /// ``forEach(_:costPerItem:_:)`` for loops whose body calls GEMM on each chunk: BLAS runs one thread per
    /// chunk, so the cores are not oversubscribed. OpenBLAS's thread count is process-wide (0.3.21 has no
    /// per-call setting), so the loop holds `BLASGate` exclusively: no GEMM of another thread runs while
    /// the setting is 1 (its result would depend on the thread count), and the setting is restored before
    /// anyone else calls BLAS. A loop inside such a loop runs under the outer one's setting.
    public static func forEachWithSingleThreadedBLAS(_ n: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        if BLASGate.isInsideSingleThreadedLoop {
            forEach(n, costPerItem: costPerItem, body)
            return
        }
        BLASGate.exclusively {
            let saved = dl_blas_get_threads()
            dl_blas_set_threads(1)
            defer { dl_blas_set_threads(saved) }
            forEach(n, costPerItem: costPerItem) { range in BLASGate.insideSingleThreadedLoop { body(range) } }
        }
    }

    /// BLAS's (process-wide) thread count as a GEMM call on this thread would run with it: read under
    /// `BLASGate.shared`, so not while another thread's single-threaded loop has it set to 1 for the moment
    /// (a bare read raced with such loops in tests running beside each other).
    static var blasThreadCount: Int { BLASGate.shared { Int(dl_blas_get_threads()) } }

    /// Sets the number of threads for both our loops and BLAS (waits for GEMMs in flight on other threads).
    public static func setThreads(_ n: Int) {
        BLASGate.exclusively {
            threadCount = max(1, n)
            dl_blas_set_threads(Int32(threadCount))
        }
    }
}

/// Who may call BLAS now: any number of GEMMs at once (shared), or one loop that has set BLAS to one thread
/// (exclusive; its own chunks call GEMM without waiting). A readers–writer lock, so GEMMs on several threads
/// run concurrently as before; only the single-threaded loops (conv, batched matmul, attention, recurrent
/// weight gradients) wait for, and make wait, the GEMMs of other threads.
enum BLASGate {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
        let l = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(l, nil)
        return l
    }()
    /// Set on a thread while it runs a chunk of a single-threaded-BLAS loop.
    private static let insideKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isInsideSingleThreadedLoop: Bool { pthread_getspecific(insideKey) != nil }

    /// Runs `body` as a chunk of a single-threaded-BLAS loop on this thread.
    static func insideSingleThreadedLoop(_ body: () -> Void) {
        let previous = pthread_getspecific(insideKey)
        pthread_setspecific(insideKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(insideKey, previous) }
        body()
    }

    /// Runs `body` with no BLAS call of another thread in flight.
    static func exclusively<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs one BLAS call: beside other calls, but not during another thread's single-threaded loop.
    @inline(__always)
    static func shared<R>(_ body: () throws -> R) rethrows -> R {
        if isInsideSingleThreadedLoop { return try body() }
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

enum ProcessInfoCores {
    static var active: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 4
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
