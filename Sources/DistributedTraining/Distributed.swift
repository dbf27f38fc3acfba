import CMPI
import DeepLearning
import Foundation

/// The processes of a data-parallel job on MPI (Open MPI): rank, world size and the collective operations
/// on Float buffers and tensors that data-parallel training needs (as `torch.distributed` with its MPI
/// backend, or Horovod).
///
/// Launch with `mpirun -np N …`: each process calls ``initialize()`` once; ``rank`` is its number in
/// 0..<``worldSize``. In a process not started by mpirun nothing is initialised and the world is this one
/// process: rank 0 of 1, and every collective returns its input.
///
/// Every collective must be called by every rank in the same order with the same element count; a mismatch
/// is a programmer error that MPI reports (and ends the job).
public enum Distributed {
    /// How ``allReduce(_:_:)`` combines the ranks' values.
    public enum ReduceOp: Sendable {
        /// Element-wise sum over the ranks.
        case sum
        /// Element-wise sum divided by the world size.
        case average
        /// Element-wise maximum over the ranks.
        case max
    }

    nonisolated(unsafe) private static var initialized = false

    /// True when this process was started by Open MPI's mpirun (or another PMI/PMIx launcher).
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    /// Initialises MPI when the process was started by mpirun (`MPI_Init_thread`, funneled: only the thread
    /// that initialised calls MPI); does nothing otherwise, or when already initialised.
    public static func initialize() {
        guard !initialized, isLaunchedByMPI else { return }
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, dl_mpi_thread_funneled(), &provided)
        }
        initialized = true
        atexit { Distributed.finalize() }
    }

    /// This process's number, 0..<worldSize (0 outside an MPI job).
    public static var rank: Int {
        guard initialized else { return 0 }
        var r: Int32 = 0
        MPI_Comm_rank(dl_mpi_comm_world(), &r)
        return Int(r)
    }

    /// The number of processes in the job (1 outside an MPI job).
    public static var worldSize: Int {
        guard initialized else { return 1 }
        var n: Int32 = 0
        MPI_Comm_size(dl_mpi_comm_world(), &n)
        return Int(n)
    }

    /// Waits until every rank has called it.
    public static func barrier() {
        guard initialized else { return }
        MPI_Barrier(dl_mpi_comm_world())
    }

    /// Replaces `buffer` on every rank with its contents on `root`.
    public static func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int = 0) {
        guard initialized, worldSize > 1 else { return }
        checkRoot(root, "broadcast")
        forChunks(buffer.count) { start, n in
            _ = MPI_Bcast(buffer.baseAddress! + start, n, dl_mpi_float(), Int32(root), dl_mpi_comm_world())
        }
    }

    /// Combines `buffer` over all ranks in place: afterwards every rank holds the sum (or average, maximum).
    public static func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ op: ReduceOp = .sum) {
        guard initialized, worldSize > 1 else { return }
        forChunks(buffer.count) { start, n in
            _ = MPI_Allreduce(dl_mpi_in_place(), buffer.baseAddress! + start, n, dl_mpi_float(),
                              op == .max ? dl_mpi_max() : dl_mpi_sum(), dl_mpi_comm_world())
        }
        if op == .average {
            let scale = 1 / Float(worldSize)
            for i in buffer.indices { buffer[i] *= scale }
        }
    }

    /// Every rank's `buffer`, concatenated in rank order (each rank gives the same count).
    public static func allGather(_ buffer: UnsafeBufferPointer<Float>) -> [Float] {
        guard initialized, worldSize > 1 else { return Array(buffer) }
        let size = worldSize
        require(buffer.count <= Int(Int32.max), "Distributed.allGather: \(buffer.count) elements per rank exceed MPI's 32-bit count")
        var out = [Float](repeating: 0, count: buffer.count * size)
        out.withUnsafeMutableBufferPointer { o in
            _ = MPI_Allgather(buffer.baseAddress, Int32(buffer.count), dl_mpi_float(),
                              o.baseAddress, Int32(buffer.count), dl_mpi_float(), dl_mpi_comm_world())
        }
        return out
    }

    /// `tensor` on every rank replaced in place by its values on `root` (all copies of it see them).
    public static func broadcast(_ tensor: Tensor, root: Int = 0) {
        tensor.withUnsafeMutableElements { broadcast($0, root: root) }
    }

    /// A new tensor: `tensor` combined over all ranks.
    public static func allReduced(_ tensor: Tensor, _ op: ReduceOp = .sum) -> Tensor {
        let result = Tensor(tensor.contiguous().scalars, shape: tensor.shape)
        result.withUnsafeMutableElements { allReduce($0, op) }
        return result
    }

    /// Every rank's `tensor` stacked in rank order: [worldSize, ...shape].
    public static func allGathered(_ tensor: Tensor) -> Tensor {
        let values = tensor.contiguous().scalars
        return Tensor(values.withUnsafeBufferPointer { allGather($0) }, shape: [worldSize] + tensor.shape)
    }

    /// Every rank's values of `values`, averaged (metrics such as a loss or a count).
    public static func average(_ values: [Double]) -> [Double] {
        guard initialized, worldSize > 1 else { return values }
        var v = values
        v.withUnsafeMutableBufferPointer { b in
            _ = MPI_Allreduce(dl_mpi_in_place(), b.baseAddress, Int32(b.count), dl_mpi_double(), dl_mpi_sum(), dl_mpi_comm_world())
        }
        return v.map { $0 / Double(worldSize) }
    }

    /// Ends the whole job from this rank: prints "rank r: message" on standard error and calls `MPI_Abort`,
    /// which stops every rank (no rank is left waiting in a collective). Outside MPI: exits with `code`.
    public static func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(worldSize): \(message)\n".utf8))
        if initialized { MPI_Abort(dl_mpi_comm_world(), code) }
        exit(code)
    }

    /// Shuts MPI down (called at exit after ``initialize()``).
    public static func finalize() {
        guard initialized else { return }
        initialized = false
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    static func checkRoot(_ root: Int, _ op: String) {
        require(root >= 0 && root < worldSize, "Distributed.\(op): root \(root) is not a rank of 0..<\(worldSize)")
    }

    /// MPI counts are 32-bit: large buffers go in chunks of 2^30 elements.
    static func forChunks(_ count: Int, _ body: (Int, Int32) -> Void) {
        let chunk = 1 << 30
        var start = 0
        while start < count {
            let n = Swift.min(chunk, count - start)
            body(start, Int32(n))
            start += n
        }
    }
}
