import Foundation
import Testing
@testable import DeepLearning

/// Reference values computed by PyTorch or NumPy, stored as JSON by the scripts in Scripts/fixtures/.
///
/// A fixture file maps case names to cases; a case maps names to arrays `{"shape": [...], "data": [...]}`
/// or to plain numbers/strings/lists (hyper-parameters).
struct Fixture {
    let cases: [String: [String: Any]]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Loads `Fixtures/<name>.json`.
    static func load(_ name: String) throws -> Fixture {
        let url = directory.appendingPathComponent(name + ".json")
        let data = try Data(contentsOf: url)
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return Fixture(cases: json as! [String: [String: Any]])
    }

    /// One case by name.
    func `case`(_ name: String) -> FixtureCase {
        guard let c = cases[name] else { fatalError("fixture case \(name) missing") }
        return FixtureCase(name: name, values: c)
    }
}

struct FixtureCase {
    let name: String
    let values: [String: Any]

    /// The named array as a tensor.
    func tensor(_ key: String) -> Tensor {
        guard let entry = values[key] as? [String: Any], let shape = entry["shape"] as? [Int], let data = entry["data"] as? [Double] else {
            fatalError("fixture \(name): no array \(key)")
        }
        return Tensor(data.map { Float($0) }, shape: shape)
    }

    func has(_ key: String) -> Bool { values[key] != nil }
    func number(_ key: String) -> Double { (values[key] as! NSNumber).doubleValue }
    func int(_ key: String) -> Int { (values[key] as! NSNumber).intValue }
    func ints(_ key: String) -> [Int] { (values[key] as! [NSNumber]).map(\.intValue) }
    func string(_ key: String) -> String { values[key] as! String }
    func bool(_ key: String) -> Bool { (values[key] as! NSNumber).boolValue }
}

/// Expects equal shapes and |actual − expected| ≤ atol + rtol·|expected| everywhere.
func expectClose(_ actual: Tensor?, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6,
                 _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what()): missing tensor (expected shape \(expected.shape))", sourceLocation: sourceLocation)
        return
    }
    guard actual.shape == expected.shape else {
        Issue.record("\(what()): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let a = actual.scalars, e = expected.scalars
    var worst = 0, worstRatio: Float = 0
    for i in a.indices {
        let ratio = Swift.abs(a[i] - e[i]) / (atol + rtol * Swift.abs(e[i]))
        if !(ratio <= worstRatio) { worstRatio = ratio.isNaN ? .infinity : ratio; worst = i }
    }
    if worstRatio > 1 {
        Issue.record("\(what()): element \(worst) is \(a[worst]), expected \(e[worst]) (shape \(expected.shape))", sourceLocation: sourceLocation)
    }
}

/// Expects `gradcheck` to pass for `f` at `inputs`.
func expectGradcheck(_ inputs: [Tensor], eps: Float = 1e-2, atol: Float = 1e-2, rtol: Float = 1e-2, _ what: String = "",
                     sourceLocation: SourceLocation = #_sourceLocation, _ f: @escaping ([Tensor]) -> Tensor) {
    let result = gradcheck(inputs, eps: eps, atol: atol, rtol: rtol, f)
    #expect(result.passed, "\(what): \(result)", sourceLocation: sourceLocation)
}
