import Foundation
import Testing

/// Data-parallel training across processes: each check runs `mpirun -np 2 deep distributed-check <check>`
/// (Sources/deep/DataParallelCommands.swift) and must succeed within a time limit — collectives on odd sizes
/// against hand-computed sums, 2 ranks × batch 32 equal to 1 process × batch 64 after 20 Adam steps, batch
/// norm's buffers as PyTorch's DDP keeps them, and a failing rank ending the whole job with its rank named.
@Suite(.serialized) struct DistributedTests {
    /// The debug `deep` binary that `swift test` builds beside the tests.
    static let deep = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/deep").path

    /// Runs `mpirun -np 2 deep distributed-check <check>`; returns exit status, stdout and stderr.
    func mpirun(_ check: String, timeout: Double = 120) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["mpirun", "--oversubscribe", "-np", "2", Self.deep, "distributed-check", check]
        var environment = ProcessInfo.processInfo.environment
        (environment["OMPI_ALLOW_RUN_AS_ROOT"], environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"]) = ("1", "1")
        process.environment = environment
        let out = Pipe(), err = Pipe()
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        let text = { (p: Pipe) in String(decoding: p.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        return (timedOut ? -1 : process.terminationStatus, text(out), text(err))
    }

    @Test(arguments: ["collectives", "equivalence", "batchnorm"])
    func checkPassesOnTwoRanks(_ check: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.deep), "\(Self.deep) is missing: build with swift build first")
        let result = try mpirun(check)
        #expect(result.status == 0, "mpirun -np 2 deep distributed-check \(check) failed: \(result.err)")
        #expect(result.out.contains("\(check) ok on 2 ranks"), "\(result.out)\n\(result.err)")
    }

    @Test func failingRankEndsTheJobWithItsRankNamed() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.deep), "\(Self.deep) is missing: build with swift build first")
        let result = try mpirun("failing-rank", timeout: 60)
        #expect(result.status != 0 && result.status != -1, "the job did not end (status \(result.status))")
        #expect(result.err.contains("rank 1 of 2: error: /data/shard-1.idx: file not found"), "\(result.err)")
    }
}
