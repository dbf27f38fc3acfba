import Dispatch
import CBLAS

/// Splitting work across cores. One helper for the whole library, so the policy lives in one place.
public enum Parallel {
    /// Number of worker threads our own loops use (defaults to the number of active cores).
    nonisolated(unsafe) public static var threadCount = defaultThreadCount
    /// The number of active cores.
    public static let defaultThreadCount = max(1, ProcessInfoCores.active)

    /// Calls `body` on disjoint chunks of `0..<n` in parallel when `n * costPerItem` is large enough to pay
    /// for waking a worker (about 10 µs); otherwise runs it inline. Workers are Dispatch threads, which sleep
    /// rather than spin when idle.
    @inline(__always)
    public static func forEach(_ n: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(threadCount, n, max(1, n * costPerItem / 32_768))
        if chunks <= 1 {
            body(0..<n)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body((n * c / chunks)..<(n * (c + 1) / chunks))
        }
    }

    /// Runs `body` with BLAS limited to one thread (for GEMMs called inside our own parallel loops).
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        let saved = dl_blas_get_threads()
        dl_blas_set_threads(1)
        defer { dl_blas_set_threads(saved) }
        return try body()
    }

    /// Sets the number of threads for both our loops and BLAS.
    public static func setThreads(_ n: Int) {
        threadCount = max(1, n)
        dl_blas_set_threads(Int32(threadCount))
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
#endif
