import ScalpelData

extension CheckpointSource {
    /// How the images of a user-data shift become this checkpoint's inputs, read as `scalpel
    /// finetune` reads them: the preprocessing its metadata records (`scalpel.preprocess.*`:
    /// channels, resize, crop, mean, std), with the model's input channels when none is recorded.
    /// Throws a `DataError` naming the file and the key.
    public func userDataPreprocessing() throws -> Preprocessing {
        var recorded = try Preprocessing(metadata: metadata, file: path)
        if recorded.channels == nil { recorded.channels = configuration.inChannels }
        return recorded
    }

    /// The class names this checkpoint records for its outputs (`ShiftData.classNamesKey`), nil
    /// when none; a user-data shift's labels are mapped onto them by name, as `scalpel finetune`
    /// maps them. Throws a `DataError` naming the file when the entry is malformed.
    public func recordedClassNames() throws -> [String]? {
        try ShiftData.classNames(recordedIn: metadata, file: path, outputs: configuration.classes)
    }

    /// `shift` read for this checkpoint: a user-data shift with the checkpoint's recorded
    /// preprocessing and its labels mapped onto the checkpoint's class names (when it records
    /// them); a built-in shift as it is.
    func materialize(_ shift: ShiftSpec, options: ShiftOptions) throws -> ShiftData {
        guard case .userData = shift else { return try shift.materialize(options) }
        var options = options
        options.preprocessing = try userDataPreprocessing()
        let names = try recordedClassNames()
        let data = try shift.materialize(options)
        return try names.map { try data.mappingLabels(onto: $0, model: path) } ?? data
    }

    /// Throws unless `images` of `shift` fit this checkpoint's model: its input channels, its
    /// number of outputs and, for a user-data shift, its image size.
    func checkFits(_ images: ImageSet, of shift: ShiftSpec) throws {
        let config = configuration
        guard images.channels == config.inChannels else {
            throw ResultsDatabaseError("\(shift) has \(images.channels)-channel images; the checkpoint '\(path)' expects \(config.inChannels)")
        }
        if case .userData = shift, images.height != config.imageSize || images.width != config.imageSize {
            throw ResultsDatabaseError("\(shift) has \(images.height)×\(images.width) images; the checkpoint '\(path)' expects " +
                                       "\(config.imageSize)×\(config.imageSize) (record a resize in it: `scalpel finetune --resize … --save`)")
        }
        guard images.classCount == config.classes else {
            throw ResultsDatabaseError("\(shift) has \(images.classCount) classes; the checkpoint '\(path)' has \(config.classes) outputs")
        }
    }
}
