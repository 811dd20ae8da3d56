import Foundation

/// A column of the study tables: one shift, adapted from one checkpoint (a shift may have its
/// own source model, as `fmnist-subpop` does).
public struct StudyColumn: Hashable, Sendable {
    /// The shift's name, as the runs recorded it.
    public var shift: String
    /// The checkpoint the shift was adapted from.
    public var checkpoint: CheckpointRef
    /// The shift, plus the checkpoint's file when the shift was run from several checkpoints.
    public var label: String
}

extension ReportData {
    /// Architectures in order of first run: one Table 4 per architecture (and target size).
    public var architectures: [String] {
        checkpoints.map(\.architecture).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The (shift, checkpoint) columns of an architecture, in shift order.
    public func columns(architecture: String) -> [StudyColumn] {
        let mine = checkpoints.filter { $0.architecture == architecture }
        var out: [StudyColumn] = []
        for shift in shifts {
            let used = mine.filter { c in methods.contains { m in targetSizes.contains { cell(c, shift: shift, targetSize: $0, method: m) != nil } } }
            for c in used {
                let file = models[c.sha256].map { URL(fileURLWithPath: $0.checkpoint).lastPathComponent } ?? String(c.sha256.prefix(8))
                out.append(StudyColumn(shift: shift, checkpoint: c, label: used.count > 1 ? "\(shift) (\(file))" : shift))
            }
        }
        return out
    }

    /// The cell of `method` in `column` at `targetSize`.
    public func cell(_ column: StudyColumn, targetSize: Int, method: String) -> CellResult? {
        cell(column.checkpoint, shift: column.shift, targetSize: targetSize, method: method)
    }
}
