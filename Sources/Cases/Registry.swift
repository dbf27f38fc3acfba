import DeepLearning

/// Every practice case `deep` can run, in the order `deep list` shows them. A new case is one file and one
/// line here.
public enum PracticeCases {
    public static let all: [any PracticeCase.Type] = [
        MNISTMLP.self,
        MNISTCNN.self,
        FashionCNN.self,
        DigitsMLP.self,
        CIFARResNet.self,
        ResNetDepth.self,
        MNISTGAN.self,
        MNISTDCGAN.self,
        CharRNN.self,
        CharGRU.self,
        CharLSTM.self,
        CharTransformer.self,
        CartPoleDQN.self,
        CartPolePPO.self,
        CartPolePG.self,
        AcrobotDQN.self,
        PendulumPPO.self,
        BackpropByHand.self,
        OptimizerComparison.self,
        LossComparison.self,
        BatchNormStudy.self,
    ]

    /// The case with this name.
    public static func named(_ name: String) throws -> any PracticeCase.Type {
        guard let c = all.first(where: { $0.info.name == name }) else {
            throw CaseError("unknown case \(name); `deep list` shows the cases: \(all.map { $0.info.name }.joined(separator: ", "))")
        }
        return c
    }

    /// The generative case with this name (for `deep sample` and `deep eval`), or nil when it is another kind.
    public static func generative(_ name: String) throws -> (any GenerativePracticeCase.Type)? {
        try named(name) as? any GenerativePracticeCase.Type
    }

    /// The classifier case with this name (for `deep eval` and `deep summary`).
    public static func classifier(_ name: String) throws -> any ClassifierPracticeCase.Type {
        guard let c = try named(name) as? any ClassifierPracticeCase.Type else {
            throw CaseError("\(name) is not a classifier case; `deep eval` and `deep summary` take \(all.compactMap { $0 as? any ClassifierPracticeCase.Type }.map { $0.info.name }.joined(separator: ", "))")
        }
        return c
    }
}
