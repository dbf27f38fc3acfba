import Cases
import DeepLearning
import DistributedTraining
import Foundation

/// `deep bench ddp`: data-parallel training on this machine. Launches itself under `mpirun` with 1 and 2
/// processes (one compute thread each), over shared memory (`--mca btl vader,self`) and over TCP
/// (`--mca btl tcp,self`, the path between machines), and prints mnist-cnn's training samples/s at a global
/// batch of 64 and the all-reduce bandwidth for 1–64 MB buffers.
enum DataParallelBench {
    static func run() throws {
        let transports = [("shm", "vader,self"), ("tcp", "tcp,self")]
        for (name, btl) in transports {
            for processes in [1, 2] {
                try launch(processes: processes, btl: btl, arguments: ["bench", "ddp-worker", "--transport", name])
            }
        }
    }

    /// Runs `deep <arguments>` under `mpirun -np <processes> --mca btl <btl>`, its output passed through.
    static func launch(processes: Int, btl: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["mpirun", "--oversubscribe", "--bind-to", "none", "--mca", "btl", btl, "-np", "\(processes)",
                             CommandLine.arguments[0]] + arguments
        var environment = ProcessInfo.processInfo.environment
        (environment["OMPI_ALLOW_RUN_AS_ROOT"], environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"]) = ("1", "1")
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CaseError("mpirun -np \(processes) --mca btl \(btl) failed (status \(process.terminationStatus))") }
    }

    /// Inside the MPI job: the measurements, printed by rank 0.
    static func worker(transport: String) {
        Distributed.initialize()
        Parallel.setThreads(1)
        let (rank, size) = (Distributed.rank, Distributed.worldSize)
        Tensor.manualSeed(0)
        let model = MNISTCNN.makeModel()
        let ddp = DistributedDataParallel(model)
        let optimizer = Adam(model.parameters(), lr: 1e-3)
        let global = 64, local = global / size
        let x = Tensor.randn([local, 1, 28, 28], seed: UInt64(rank)), y = Tensor((0..<local).map { Float($0 % 10) })
        let seconds = slowestRank(stepsPerRound: 10) {
            optimizer.zeroGrad()
            crossEntropy(ddp(x), y).backward()
            optimizer.step()
        }
        if rank == 0 {
            report("ours", "ddp mnist-cnn processes=\(size) transport=\(transport) global_batch=\(global)",
                   [("samples_per_s", Double(global) / seconds), ("steps_per_s", 1 / seconds)], digits: 1)
        }
        guard size > 1 else { return }
        for megabytes in [1, 4, 16, 64] {
            var buffer = [Float](repeating: 1, count: megabytes * 262_144)
            let t = slowestRank(stepsPerRound: 2) { buffer.withUnsafeMutableBufferPointer { Distributed.allReduce($0, .sum) } }
            // Bus bandwidth as NCCL reports it: a ring all-reduce moves 2(N − 1)/N of the buffer per rank.
            let bytes = Double(megabytes * 1_048_576)
            if rank == 0 {
                report("ours", "allreduce size_mb=\(megabytes) processes=\(size) transport=\(transport)",
                       [("ms", t * 1e3), ("algorithm_gb_per_s", bytes / t / 1e9), ("bus_gb_per_s", bytes * 2 * Double(size - 1) / Double(size) / t / 1e9)])
            }
        }
    }

    /// Seconds per call of `body`: the best of 5 rounds of `stepsPerRound` calls after a warm-up round, each
    /// round timed by its slowest rank. Every rank makes the same number of calls (they are collectives).
    static func slowestRank(stepsPerRound: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for round in 0..<6 {
            Distributed.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<stepsPerRound { body() }
            var elapsed = [Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(stepsPerRound)]
            elapsed = Distributed.average(elapsed)  // ranks run in lockstep: the mean is the slowest within noise
            if round > 0 { best = min(best, elapsed[0]) }
        }
        return best
    }
}
