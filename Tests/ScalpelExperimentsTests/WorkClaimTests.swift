import Foundation
import Testing
@testable import ScalpelExperiments

/// Claims on runs: who may compute a run, when a claim is taken over, and that recording a run
/// ends its claim.
@Suite struct WorkClaimTests {
    let me = ClaimOwner.current()
    let since = Date(timeIntervalSinceNow: -60)

    /// A fresh database and one planned run of the fixture's sweep.
    func setting() throws -> (ResultsDatabase, PlannedRun, String) {
        let dir = SweepFixtures.tempDir("claims")
        try SweepFixtures.prepare(dir)
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir, seeds: [0])).plan()
        return (try ResultsDatabase(path: dir + "/results.sqlite"), plan.runs[0], dir)
    }

    /// The process id of a process that has ended (and been reaped).
    func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    @Test func aLiveClaimIsHeldAndAFinishedRunIsNotClaimed() throws {
        let (db, run, _) = try setting()
        #expect(try db.claim(run.key, kind: .run, owner: me, attemptedSince: since) == .claimed(from: nil))
        // Another runner of a live process (this one) on this host: held, with a fresh heartbeat.
        let other = ClaimOwner(host: me.host, pid: me.pid, processStart: me.processStart)
        #expect(try db.claim(run.key, kind: .run, owner: other, attemptedSince: since) == .held(by: me))
        #expect(try db.claims().map(\.key) == [run.key])
        // Recording the run deletes the claim; the run is then finished for everyone.
        let record = RunRecord(planned: run, status: .diverged, message: nil, seconds: 1, startedAt: Date(), toolCommit: "test")
        try db.record(record, epochs: [])
        #expect(try db.claims().isEmpty)
        #expect(try db.claim(run.key, kind: .run, owner: other, attemptedSince: since) == .finished)
    }

    @Test func aClaimOfADeadProcessOnThisHostIsTakenOver() throws {
        let (db, run, _) = try setting()
        let dead = ClaimOwner(host: me.host, pid: try deadPID(), processStart: "")
        #expect(try db.claim(run.key, kind: .run, owner: dead, attemptedSince: since) == .claimed(from: nil))
        #expect(try db.claim(run.key, kind: .run, owner: me, attemptedSince: since) == .claimed(from: dead))
        #expect(try db.claims().map(\.owner) == [me])
        // A live process id whose start time differs is another process: the claimant is gone.
        let reused = ClaimOwner(host: me.host, pid: me.pid, processStart: me.processStart + "1")
        let second = "0" + run.key.dropFirst()
        #expect(try db.claim(second, kind: .run, owner: reused, attemptedSince: since) == .claimed(from: nil))
        #expect(try db.claim(second, kind: .run, owner: me, attemptedSince: since) == .claimed(from: reused))
    }

    @Test func aClaimFromAnotherHostExpiresWithItsHeartbeat() throws {
        let (db, run, _) = try setting()
        let remote = ClaimOwner(host: "elsewhere.invalid", pid: 1, processStart: "7")
        let policy = ClaimPolicy(heartbeatInterval: 15, staleAfter: 120)
        let claimedAt = Date(timeIntervalSinceNow: -100)
        #expect(try db.claim(run.key, kind: .run, owner: remote, policy: policy, attemptedSince: since, now: claimedAt)
                == .claimed(from: nil))
        // 100 s old: still held. A heartbeat at 130 s keeps it held at 200 s; at 251 s it is stale.
        #expect(try db.claim(run.key, kind: .run, owner: me, policy: policy, attemptedSince: since) == .held(by: remote))
        try db.heartbeat(remote, now: claimedAt.addingTimeInterval(130))
        #expect(try db.claim(run.key, kind: .run, owner: me, policy: policy, attemptedSince: since,
                             now: claimedAt.addingTimeInterval(200)) == .held(by: remote))
        #expect(try db.claim(run.key, kind: .run, owner: me, policy: policy, attemptedSince: since,
                             now: claimedAt.addingTimeInterval(251)) == .claimed(from: remote))
    }

    @Test func aFailureIsRetriedByTheNextSweepNotByThisOne() throws {
        let (db, run, _) = try setting()
        let failed = RunRecord(planned: run, status: .failed, message: "no data", seconds: 0, startedAt: Date(), toolCommit: "test")
        try db.record(failed, epochs: [])
        // Failed after this sweep started: another process of this sweep tried it; not again.
        #expect(try db.claim(run.key, kind: .run, owner: me, attemptedSince: since) == .finished)
        // Failed before this sweep started: retried.
        #expect(try db.claim(run.key, kind: .run, owner: me, attemptedSince: Date(timeIntervalSinceNow: 5)) == .claimed(from: nil))
    }

    @Test func aSweepWaitsForAClaimedRunAndTakesItOverWhenItsOwnerDies() throws {
        let (db, _, dir) = try setting()
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir, seeds: [0])).plan()
        // Every run is claimed by a live runner of this process except that one run is claimed
        // by a dead process: the sweep runs that one and waits for the others' owner.
        let holder = ClaimOwner(host: me.host, pid: me.pid, processStart: me.processStart)
        let dead = ClaimOwner(host: me.host, pid: try deadPID(), processStart: "")
        for (i, run) in plan.runs.enumerated() {
            _ = try db.claim(run.key, kind: .run, owner: i == 0 ? dead : holder, attemptedSince: since)
        }
        var runner = SweepRunner(plan: plan, database: db)
        runner.claimPolicy = ClaimPolicy(heartbeatInterval: 1, staleAfter: 120, pollInterval: 0.05)
        let released = DispatchSemaphore(value: 0)
        // The holder "finishes" its runs 0.3 s later by releasing them to the sweep (as if it died).
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            try? db.releaseClaims(of: holder)
            released.signal()
        }
        let outcome = try runner.run()
        released.wait()
        #expect(outcome.ran == plan.runs.count)
        #expect(try db.runs().count == plan.runs.count)
        #expect(try db.claims().isEmpty)
    }
}
