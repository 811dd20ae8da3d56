import Dispatch

/// Refreshes the heartbeat of an owner's claims every `interval` seconds on a background queue
/// while a sweep runs (a run may take longer than `ClaimPolicy.staleAfter`), until stopped.
final class ClaimHeartbeat {
    let timer: DispatchSourceTimer

    init(database: ResultsDatabase, owner: ClaimOwner, interval: Double) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        // A missed beat (the database busy past its timeout) is retried at the next one.
        timer.setEventHandler { try? database.heartbeat(owner) }
        timer.resume()
    }

    func stop() { timer.cancel() }
}
