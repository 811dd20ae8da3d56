import ScalpelEngine
import ScalpelNN

/// Helpers shared by the theory experiments: Gaussian and uniform draws as Double matrices,
/// and the network f(x) = vᵀφ(Bx) with given B and v.
enum TwoLayerSetup {
    static func gaussian(_ rows: Int, _ columns: Int, std: Double = 1, rng: inout RandomGenerator) -> [[Double]] {
        (0..<rows).map { _ in (0..<columns).map { _ in std * Double(rng.nextNormal()) } }
    }

    static func uniform(_ rows: Int, _ columns: Int, _ low: Double, _ high: Double,
                        rng: inout RandomGenerator) -> [[Double]] {
        (0..<rows).map { _ in (0..<columns).map { _ in low + (high - low) * rng.nextDouble() } }
    }

    static func tensor(_ m: [[Double]]) -> Tensor {
        Tensor(shape: [m.count, m.first?.count ?? 0], data: m.flatMap { $0.map(Float.init) })
    }

    /// Row-vector matrix product: each row x of `rows` becomes M·x.
    static func apply(_ m: [[Double]], to rows: [[Double]]) -> [[Double]] {
        rows.map { x in m.map { LinearAlgebra.dot($0, x) } }
    }

    /// f(x) = vᵀφ(Bx) for each row x, in Double.
    static func outputs(b: [[Double]], v: [Double], activation: TwoLayerNetwork.Activation,
                        inputs: [[Double]]) -> [Double] {
        apply(b, to: inputs).map { h in
            LinearAlgebra.dot(v, activation == .relu ? h.map { max($0, 0) } : h)
        }
    }

    /// A `TwoLayerNetwork` with first layer `b` [hidden × inputs] and last layer `v` [hidden].
    static func network(b: [[Double]], v: [Double], activation: TwoLayerNetwork.Activation) -> TwoLayerNetwork {
        let net = TwoLayerNetwork(inputs: b[0].count, hidden: b.count, outputs: 1, activation: activation)
        net.fc1.weight.copyValues(from: tensor(b))
        net.fc2.weight.copyValues(from: tensor([v]))
        return net
    }
}
