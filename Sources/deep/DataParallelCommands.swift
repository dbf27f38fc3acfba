import ArgumentParser
import Cases
import DeepLearning
import DistributedTraining
import Foundation

/// The MPI job `deep` runs in under `mpirun`, as the cases see it.
final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    let rank = Distributed.rank
    let worldSize = Distributed.worldSize
    /// The wrappers of parallelized models (their gradient hooks hold them weakly).
    var replicas: [DistributedDataParallel] = []

    func parallelize(_ model: Module) { replicas.append(DistributedDataParallel(model)) }

    /// The group of this process when it was started by mpirun with more than one process; nil otherwise.
    static func joined() -> MPIProcessGroup? {
        guard Distributed.isLaunchedByMPI else { return nil }
        Distributed.initialize()
        return Distributed.worldSize > 1 ? MPIProcessGroup() : nil
    }
}

extension TrainOptions {
    /// Under mpirun: the group set, the global batch divided over the processes, one compute thread each
    /// unless --threads says otherwise. Only classifier cases train data-parallel so far.
    mutating func joinDataParallelJob(for c: any PracticeCase.Type, threads: Int?) throws {
        guard let group = MPIProcessGroup.joined() else { return }
        guard c is any ClassifierPracticeCase.Type else {
            throw CaseError("\(c.info.name) does not train data-parallel yet; run it without mpirun")
        }
        guard batchSize % group.worldSize == 0 else {
            throw CaseError("--batch-size \(batchSize) does not divide evenly over \(group.worldSize) processes")
        }
        batchSize /= group.worldSize
        processGroup = group
        if threads == nil { Parallel.setThreads(1) }
    }
}

/// Runs `body`; under mpirun an error on any rank ends every rank with the rank named (no rank is left
/// waiting in a collective).
func endingAllRanksOnError(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ValidationError { throw e } catch {
        if Distributed.isLaunchedByMPI && Distributed.worldSize > 1 { Distributed.abort("error: \(error)") }
        throw error
    }
}

/// `mpirun -np 2 deep distributed-check <check>`: the checks of data-parallel training that need several
/// processes, run by the test suite (Tests/DeepLearningTests/DistributedTests.swift). Prints "<check> ok …"
/// on rank 0 and exits 0, or names what differs and exits 1.
struct DistributedCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "distributed-check", abstract: "Checks of data-parallel training (run under mpirun by the tests).",
                                                    shouldDisplay: false)
    @Argument(help: "collectives, equivalence, batchnorm or failing-rank.") var check: String

    func run() throws {
        Distributed.initialize()
        let (rank, size) = (Distributed.rank, Distributed.worldSize)
        var problems: [String] = []
        func expect(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { problems.append(what()) } }
        var detail = ""
        switch check {
        case "collectives":
            for n in [1, 7, 1_000_003] {
                let mine = (0..<n).map { Float(($0 % 97) * (rank + 1)) }
                var sum = mine
                sum.withUnsafeMutableBufferPointer { Distributed.allReduce($0, .sum) }
                let factor = Float(size * (size + 1) / 2)
                expect((0..<n).allSatisfy { sum[$0] == Float($0 % 97) * factor }, "all-reduce sum of \(n) elements")
                var average = mine
                average.withUnsafeMutableBufferPointer { Distributed.allReduce($0, .average) }
                expect((0..<n).allSatisfy { abs(average[$0] - Float($0 % 97) * factor / Float(size)) <= 1e-5 * max(1, average[$0]) },
                       "all-reduce average of \(n) elements")
                var fromRoot = mine
                fromRoot.withUnsafeMutableBufferPointer { Distributed.broadcast($0, root: size - 1) }
                expect((0..<n).allSatisfy { fromRoot[$0] == Float(($0 % 97) * size) }, "broadcast of \(n) elements from rank \(size - 1)")
                let gathered = mine.withUnsafeBufferPointer { Distributed.allGather($0) }
                expect(gathered.count == n * size && (0..<(n * size)).allSatisfy { gathered[$0] == Float(($0 % n % 97) * ($0 / n + 1)) },
                       "all-gather of \(n) elements")
            }
            let t = Distributed.allGathered(Tensor([Float(rank), 1], shape: [2]))
            expect(t.shape == [size, 2] && t.scalars == (0..<size).flatMap { [Float($0), 1] }, "all-gathered tensor \(t.scalars)")
        case "equivalence":
            // 2 ranks × batch 32 against 1 process × batch 64 over the same examples, 20 Adam steps.
            let steps = 20, global = 64, local = global / size
            let x = Tensor.randn([steps * global, 10], seed: 1), y = Tensor((0..<(steps * global)).map { Float($0 * 7 % 3) })
            func makeModel() -> Sequential {
                Tensor.manualSeed(5)
                return Sequential(Linear(10, 16), Tanh(), Linear(16, 3))
            }
            let replica = makeModel(), ddp = DistributedDataParallel(replica), optimizer = Adam(replica.parameters(), lr: 1e-2)
            let reference = makeModel(), referenceOptimizer = Adam(reference.parameters(), lr: 1e-2)
            for k in 0..<steps {
                let mine = (k * global + rank * local)..<(k * global + rank * local + local)
                let loss = crossEntropy(ddp(x[mine]), y[mine])
                optimizer.zeroGrad(); loss.backward(); optimizer.step()
                let all = (k * global)..<((k + 1) * global)
                let referenceLoss = crossEntropy(reference(x[all]), y[all])
                referenceOptimizer.zeroGrad(); referenceLoss.backward(); referenceOptimizer.step()
            }
            var worst: Float = 0
            for ((name, p), (_, q)) in zip(replica.namedParameters(), reference.namedParameters()) {
                let difference = zip(p.scalars, q.scalars).map { abs($0 - $1) / max(abs($1), 1e-3) }.max() ?? 0
                worst = max(worst, difference)
                expect(difference <= 1e-5, "\(name) differs from the one-process run by \(difference) (relative)")
            }
            detail = "max relative difference \(worst) after \(steps) Adam steps"
        case "batchnorm":
            Tensor.manualSeed(3)
            let model = Sequential(Linear(4, 6), BatchNorm1d(6), ReLU(), Linear(6, 2))
            let ddp = DistributedDataParallel(model), optimizer = SGD(model.parameters(), lr: 0.1)
            for k in 0..<5 {
                let x = Tensor.randn([8, 4], seed: UInt64(100 * k + rank)) * Float(rank + 1)
                let loss = ddp(x).square().mean()
                optimizer.zeroGrad(); loss.backward(); optimizer.step()
            }
            let buffers = model.namedBuffers().filter { $0.0.hasSuffix("running_mean") || $0.0.hasSuffix("running_var") }
            let before = buffers.map { Distributed.allGathered($0.1) }
            expect(before.contains { $0[0].scalars != $0[size - 1].scalars }, "each rank's forward updates its own running statistics")
            ddp.synchronizeBuffers()  // what the next forward does first: rank 0's statistics everywhere
            for ((name, _), gathered) in zip(buffers, buffers.map { Distributed.allGathered($0.1) }) {
                expect((0..<size).allSatisfy { gathered[$0].scalars == gathered[0].scalars }, "\(name) differs across ranks after the broadcast")
                expect(gathered[0].scalars == before[buffers.firstIndex { $0.0 == name }!][0].scalars, "\(name): rank 0's statistics changed")
            }
        case "failing-rank":
            try endingAllRanksOnError {
                if rank == size - 1 { throw DataError.fileNotFound(path: "/data/shard-\(rank).idx") }
                Distributed.barrier()  // the other ranks wait here: the failing rank must end them
            }
        default:
            throw ValidationError("unknown check \(check): collectives, equivalence, batchnorm or failing-rank")
        }
        let all = Distributed.allGather([Float(problems.count)].withUnsafeBufferPointer { $0 })
        for p in problems { FileHandle.standardError.write(Data("rank \(rank): \(check): \(p)\n".utf8)) }
        if all.contains(where: { $0 > 0 }) { throw ExitCode.failure }
        if rank == 0 { print("\(check) ok on \(size) ranks \(detail)") }
    }
}
