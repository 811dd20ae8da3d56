import Foundation

extension SweepFixtures {
    /// A study over the fixture (mlp2: blocks `first`, `last`; 2 shifts; seed 0; 2 epochs)
    /// named `name`, with `methods` at `rates` for every method, plus `extra` lines.
    static func study(_ dir: String, _ name: String, methods: String, rates: String = "[1e-2, 1e-3, 1e-4]",
                      extra: String = "") -> String {
        """
        name: \(name)
        checkpoints: [\(dir)/mlp2.safetensors]
        shifts: [fmnist-flip, "fmnist-c:gaussian_noise:3"]
        methods: \(methods)
        learning_rates: \(rates)
        target_sizes: [4]
        validation_per_class: 4
        test_per_class: 8
        seeds: [0]
        epochs: 2
        batch_size: 8
        data_dir: \(dir)/data
        \(extra)
        """
    }
}
