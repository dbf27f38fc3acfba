import Testing
@testable import DeepLearning

/// DistributedSampler's shards and the gradient hook that data-parallel training builds on.
@Suite struct SamplerTests {
    @Test func shardsCoverTheDataSetPaddedToEqualLengths() {
        let samplers = (0..<3).map { DistributedSampler(datasetCount: 10, worldSize: 3, rank: $0, seed: 7) }
        let shards = samplers.map { $0.indices(epoch: 2) }
        #expect(shards.map(\.count) == [4, 4, 4])
        #expect(Set(shards.flatMap { $0 }) == Set(0..<10))  // 12 slots: two examples appear twice (the padding)
        // Interleaved, the shards are one shuffled order of the whole set followed by its first two indices.
        let order = (0..<4).flatMap { i in shards.map { $0[i] } }
        #expect(Array(order[10...]) == Array(order[..<2]))
        #expect(samplers[0].indices(epoch: 2) == shards[0])      // seeded
        #expect(samplers[0].indices(epoch: 3) != shards[0])      // reshuffled per epoch
        let dropping = DistributedSampler(datasetCount: 10, worldSize: 3, rank: 2, seed: 7, dropLast: true)
        #expect(dropping.count == 3 && dropping.indices(epoch: 0).count == 3)
    }

    @Test func oneRankVisitsTheOrderOfAShufflingLoader() {
        let data = TensorDataset(inputs: Tensor((0..<20).map(Float.init), shape: [20, 1]), labels: Tensor.zeros([20]))
        let shuffling = DataLoader(data, batchSize: 20, shuffle: true, seed: 3)
        let sampled = DataLoader(data, batchSize: 20, sampler: DistributedSampler(datasetCount: 20, worldSize: 1, rank: 0, seed: 3))
        for _ in 0..<2 {
            let a = Array(shuffling), b = Array(sampled)
            #expect(a.map { $0.0.scalars } == b.map { $0.0.scalars })
        }
    }

    @Test func postAccumulateGradHookSeesTheCompleteGradient() {
        let w = Tensor([1, 2, 3]).requiringGrad()
        var seen: [[Float]] = []
        w.registerPostAccumulateGradHook { g in
            seen.append(g.scalars)
            g.assign(g * 10)  // updated in place: the leaf's grad is what the hook leaves
        }
        ((w * w).sum() + w.sum()).backward()   // two uses of w: the hook runs once, after both
        #expect(seen == [[3, 5, 7]])
        #expect(w.grad!.scalars == [30, 50, 70])
    }
}
