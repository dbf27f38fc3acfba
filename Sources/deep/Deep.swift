import ArgumentParser
import DeepLearning

@main
struct Deep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deep",
        abstract: "Deep learning in Swift: practice cases, benchmarks and tools.",
        subcommands: [Bench.self, Try.self])
}
struct Try: ParsableCommand {
    func run() {
        var x = Tensor([[1, 2, 3], [4, 5, 6]])
        let w = Tensor.randn([3, 4], seed: 0).requiringGrad()
        let loss = (x.matmul(w) + 1).relu().square().mean()
        loss.backward()
        print(x, w, loss, w.grad!)
        print(x.softmax(), x.logSoftmax(alongAxis: 0), x.sum(alongAxis: 0), x.max(alongAxis: 1), x.argmax(alongAxis: 1))
        print(Tensor.arange(0, 10).exp().log(), Tensor.linspace(-3,3,count: 7).tanh(), Tensor.linspace(-3,3,count: 7).gelu())
        print(x[.all, 1], x[1], x.transposed().contiguous(), x.padded([(1,0),(0,2)]))
        x.setScalar(9, at: [0,0]); print(x)
        let r = gradcheck([Tensor.randn([3,4], seed: 1), Tensor.randn([4], seed: 2)]) { t in (t[0] * t[1]).tanh().softmax().logSumExp(alongAxis: 0) }
        print(r)
    }
}
