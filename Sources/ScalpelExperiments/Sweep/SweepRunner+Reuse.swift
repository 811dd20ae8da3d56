import Foundation

extension SweepRunner {
    /// Copies the run `run` from the first reuse database that holds it finished (done or
    /// diverged) into the sweep's database, with its epochs, in one transaction that also
    /// deletes this sweep's claim on it; returns whether it did. The record is copied as it is
    /// (its experiment, tool commit, times and seconds tell where it was computed), except that
    /// a run recorded there only as Cross-Val's block run becomes a run of its own here (it is
    /// in this sweep's plan). A stored run whose configuration does not hash to its key, or
    /// whose result does not decode, is not copied (a warning names it).
    func copyReusable(_ run: PlannedRun) throws -> Bool {
        for source in reuseSources {
            guard let hit = try source.finishedRun(key: run.key) else { continue }
            let (record, epochs) = hit
            guard record.decodedConfiguration?.identity.key == run.key, (try? record.decodeResult()) != nil else {
                observer?.note("\(source.path): \(record.label) does not match its key or its result does not decode; " +
                               "not reused", level: .warning)
                continue
            }
            let copy = record.adopted()
            try database.record(copy, epochs: epochs)
            observer?.runReused(copy, from: source.path)
            return true
        }
        return false
    }
}
