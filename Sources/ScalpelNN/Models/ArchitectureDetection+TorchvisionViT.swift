extension ArchitectureDetection {
    /// torchvision's ViT: patch and width from `conv_proj.weight`, layers from the
    /// `encoder.layers.encoder_layer_N`, MLP width from the first layer's `mlp.0`, image size from
    /// the patch and the number of position embeddings; they must be a size Scalpel names.
    static func torchvisionViT(_ t: [String: [Int]]) throws -> ModelConfiguration {
        let proj = try shape(t, "conv_proj.weight", rank: 4), pos = try shape(t, "encoder.pos_embedding", rank: 3)
        let head = try shape(t, "heads.head.weight", rank: 2)
        let prefix = "encoder.layers.encoder_layer_"
        let indices = Set(t.keys.compactMap { key -> Int? in
            key.hasPrefix(prefix) ? Int(key.dropFirst(prefix.count).prefix { $0 != "." }) : nil
        })
        let layers = (0...indices.count).first { !indices.contains($0) } ?? 0
        if t[prefix + "0.mlp.linear_1.weight"] != nil {
            throw ArchitectureDetectionError.unsupported("torchvision vit", "torchvision < 0.13's MLP names "
                + "(mlp.linear_1, mlp.linear_2; rename them mlp.0, mlp.3)")
        }
        let mlp = try shape(t, prefix + "0.mlp.0.weight", rank: 2)
        let grid = Int(Double(pos[1] - 1).squareRoot().rounded())
        let found = "\(proj[2])×\(proj[3]) patches of width \(proj[0]), \(layers) layers, MLP width \(mlp[0])"
        let known: [(String, TorchvisionViT.Configuration)] = [("vit_b_16", .vitB16), ("vit_tv_tiny", .tiny)]
        guard grid * grid == pos[1] - 1, proj[2] == proj[3], pos[2] == proj[0],
              let (name, _) = known.first(where: { _, c in
                  c.patchSize == proj[2] && c.hiddenDim == proj[0] && c.layers == layers && c.mlpDim == mlp[0]
              }) else {
            throw ArchitectureDetectionError.unsupported("torchvision vit", "\(found) and \(pos[1]) position embeddings")
        }
        return ModelConfiguration(architecture: name, inChannels: proj[1], classes: head[0], imageSize: grid * proj[2])
    }
}
