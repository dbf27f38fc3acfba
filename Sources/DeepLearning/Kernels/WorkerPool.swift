import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The library's worker threads, behind ``Parallel/forEach(_:costPerItem:_:)``: persistent threads that take
/// the chunks of one job at a time, the caller taking chunks beside them.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux it often did not bring a second thread in for the short
/// loops of a training step, and a worker that has gone to sleep takes tens of microseconds to wake on a
/// virtual machine (measured on this project's 2-core VM, 256 K floats mapped in two halves, best of 7 × 400:
/// inline 46 µs, concurrentPerform 99 µs, this pool with sleeping workers 94 µs, with workers that keep
/// looking for work for 100 µs after each job 35 µs). So a worker looks for the next job for
/// ``spinNanoseconds`` after finishing one — the gaps between the ops of a training step are shorter — and
/// then sleeps on a condition variable until a job arrives: an idle process has sleeping workers.
///
/// One job at a time: a call made while the pool runs another job (from inside a chunk, or from another thread
/// of the user's) runs its chunks inline, one after another, with the same chunk boundaries — so results never
/// depend on which thread ran a chunk. Workers start on first use and live for the process.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long a worker looks for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 100_000

    /// Held by the one caller whose job the pool runs.
    private let owner = WorkerPool.mutex()
    /// The current job: its generation (upper bits) and the next unclaimed chunk (low 16 bits), so that a
    /// claim is valid only for the job the claimer saw published.
    private let cursor = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    /// Workers asleep or about to sleep on `wake` (under `lock`).
    private let sleepers = Atomic<Int>(0)
    private let lock = WorkerPool.mutex()
    private let wake = WorkerPool.condition()
    /// Written by the owner before the job is published, read by workers after they see it published.
    private var job: ((Int) -> Void)?
    private let chunkCount = Atomic<Int>(0)
    private var workers = 0

    private static let chunkBits = 16

    /// Runs `body(c)` for every c in 0..<chunks, on this thread and up to `threads − 1` workers (`chunks − 1`
    /// when nil), and returns when all have returned. Chunks are taken in order, each by the first thread free;
    /// each runs exactly once; which thread runs it is not specified.
    func run(chunks: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        guard chunks > 1, chunks < 1 << WorkerPool.chunkBits, pthread_mutex_trylock(owner) == 0 else {
            for c in 0..<chunks { body(c) }
            return
        }
        defer { pthread_mutex_unlock(owner) }
        withoutActuallyEscaping(body) { body in
            while workers < min(chunks, threads ?? chunks) - 1 { startWorker() }
            job = body
            chunkCount.store(chunks, ordering: .relaxed)
            unfinished.store(chunks, ordering: .relaxed)
            let generation = (cursor.load(ordering: .relaxed) >> WorkerPool.chunkBits) &+ 1
            cursor.store(generation << WorkerPool.chunkBits, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(lock)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(lock)
            }
            runChunks(of: generation)
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 65_536 { sched_yield() }
            }
            job = nil
        }
    }

    /// Claims and runs chunks of job `generation` until none is left (or the job is no longer current).
    private func runChunks(of generation: Int) {
        while true {
            let c = cursor.load(ordering: .acquiring)
            guard c >> WorkerPool.chunkBits == generation else { return }
            let chunk = c & (1 << WorkerPool.chunkBits - 1)
            guard chunk < chunkCount.load(ordering: .relaxed) else { return }
            guard cursor.compareExchange(expected: c, desired: c + 1, ordering: .acquiringAndReleasing).exchanged else { continue }
            job!(chunk)
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    private func startWorker() {
        workers += 1
        // `unowned(unsafe)`: the pool lives for the process, and a counted reference would write its count on
        // every look at the cursor, in the cache line the caller works on.
        let thread = Thread { [unowned(unsafe) self] in
            var seen = 0
            while true {
                let deadline = DispatchTime.now().uptimeNanoseconds + WorkerPool.spinNanoseconds
                var spins = 0
                while cursor.load(ordering: .acquiring) >> WorkerPool.chunkBits == seen {
                    spins += 1
                    if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
                }
                if cursor.load(ordering: .acquiring) >> WorkerPool.chunkBits == seen {
                    pthread_mutex_lock(lock)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while cursor.load(ordering: .sequentiallyConsistent) >> WorkerPool.chunkBits == seen {
                        pthread_cond_wait(wake, lock)
                    }
                    sleepers.subtract(1, ordering: .relaxed)
                    pthread_mutex_unlock(lock)
                }
                seen = cursor.load(ordering: .acquiring) >> WorkerPool.chunkBits
                runChunks(of: seen)
            }
        }
        thread.stackSize = 8 << 20
        thread.name = "DeepLearning worker \(workers)"
        thread.start()
    }

    private static func mutex() -> UnsafeMutablePointer<pthread_mutex_t> {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }

    private static func condition() -> UnsafeMutablePointer<pthread_cond_t> {
        let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        pthread_cond_init(c, nil)
        return c
    }
}
