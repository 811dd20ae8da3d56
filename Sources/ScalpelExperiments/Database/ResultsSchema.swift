import GRDB

/// The tables of a results database.
///
///     runs(key PK, experiment, checkpoint, checkpoint_sha256, architecture, shift, method, target_size,
///          learning_rate, hyperparameter, seed, configuration JSON, status, message, selection,
///          trainable_parameters, best_epoch, best_validation_accuracy, test_accuracy, test_loss,
///          worst_group_accuracy, result JSON (the whole RunResult), seconds, started_at, finished_at,
///          tool_commit)
///     epochs(run_key → runs.key, epoch, train_loss, validation_accuracy, trainable_parameters,
///            seconds, tensor_weights JSON)                                    PK (run_key, epoch)
///     models(checkpoint_sha256 PK, architecture, checkpoint, parameters JSON: [{name, block, count}])
///
/// `status` is `done`, `diverged` (loss NaN or infinite; never chosen) or `failed` (an error
/// before or during the run, with `message`; retried by the next sweep).
///
/// Migration `v2-adaptation` adds the test-time adaptation runs (`scalpel adapt --db`, a sweep's
/// `adaptation:` section); see `AdaptationRunRecord` for the columns:
///
///     adaptation_runs(key PK, experiment, checkpoint, checkpoint_sha256, architecture, shift, method, mode,
///                     selection, augmentations, steps, augmix_severity, prior, batch_size, optimizer,
///                     learning_rate, weight_decay, momentum, split_seed, test_size, seed, every,
///                     configuration JSON, status, message, test_images, trainable_tensors,
///                     trainable_parameters, no_adaptation_accuracy, prior_only_accuracy,
///                     adapted_accuracy, mean_loss, predictions JSON, seconds, started_at,
///                     finished_at, tool_commit)
///     adaptation_curves(run_key → adaptation_runs.key, seen, cumulative_accuracy, window_accuracy,
///                       no_adaptation_accuracy, prior_only_accuracy)      PK (run_key, seen)
///
/// Migration `v3-claims` adds the work claims of sweeps sharing the database (see
/// `ResultsDatabase.claim`); a row lives while its run is being computed:
///
///     claims(key PK (a run's or adaptation run's key), kind (run | adaptation), host, pid,
///            process_start, token, claimed_at, heartbeat (seconds since 1970))
///
/// Migrations are applied in order when a database is opened for writing, so a database made
/// before a migration gains its tables and keeps its rows; opened for reading, a database
/// without them reads as having no adaptation runs.
enum ResultsSchema {
    /// The migration that adds the adaptation tables.
    static let adaptationMigration = "v2-adaptation"
    /// The migration that adds the work claims.
    static let claimsMigration = "v3-claims"

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("key", .text)
                t.column("experiment", .text).notNull()
                t.column("checkpoint", .text).notNull()
                t.column("checkpoint_sha256", .text).notNull()
                t.column("architecture", .text).notNull()
                t.column("shift", .text).notNull()
                t.column("method", .text).notNull()
                t.column("target_size", .integer).notNull()
                t.column("learning_rate", .double).notNull()
                t.column("hyperparameter", .double)
                t.column("seed", .integer).notNull()
                t.column("configuration", .text).notNull()
                t.column("status", .text).notNull()
                t.column("message", .text)
                t.column("selection", .text)
                t.column("trainable_parameters", .integer)
                t.column("best_epoch", .integer)
                t.column("best_validation_accuracy", .double)
                t.column("test_accuracy", .double)
                t.column("test_loss", .double)
                t.column("worst_group_accuracy", .double)
                t.column("result", .text)
                t.column("seconds", .double).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime).notNull()
                t.column("tool_commit", .text).notNull()
            }
            try db.create(index: "runs_cell", on: "runs", columns: ["checkpoint_sha256", "shift", "target_size", "method"])
            try db.create(table: "epochs") { t in
                t.column("run_key", .text).notNull().references("runs", column: "key", onDelete: .cascade)
                t.column("epoch", .integer).notNull()
                t.column("train_loss", .double)
                t.column("validation_accuracy", .double)
                t.column("trainable_parameters", .integer)
                t.column("seconds", .double)
                t.column("tensor_weights", .text)
                t.primaryKey(["run_key", "epoch"])
            }
            try db.create(table: "models") { t in
                t.primaryKey("checkpoint_sha256", .text)
                t.column("architecture", .text).notNull()
                t.column("checkpoint", .text).notNull()
                t.column("parameters", .text).notNull()
            }
        }
        m.registerMigration(adaptationMigration, migrate: createAdaptationTables)
        m.registerMigration(claimsMigration) { db in
            try db.create(table: "claims") { t in
                t.primaryKey("key", .text)
                t.column("kind", .text).notNull()
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("process_start", .text).notNull()
                t.column("token", .text).notNull()
                t.column("claimed_at", .double).notNull()
                t.column("heartbeat", .double).notNull()
            }
        }
        return m
    }
}

extension ResultsSchema {
    /// `adaptation_runs` and `adaptation_curves` (migration `v2-adaptation`).
    static func createAdaptationTables(_ db: Database) throws {
        try db.create(table: "adaptation_runs") { t in
            t.primaryKey("key", .text)
            t.column("experiment", .text).notNull()
            t.column("checkpoint", .text).notNull()
            t.column("checkpoint_sha256", .text).notNull()
            t.column("architecture", .text).notNull()
            t.column("shift", .text).notNull()
            t.column("method", .text).notNull()
            t.column("mode", .text).notNull()
            t.column("selection", .text).notNull()
            t.column("augmentations", .integer)
            t.column("steps", .integer)
            t.column("augmix_severity", .integer)
            t.column("prior", .double)
            t.column("batch_size", .integer)
            t.column("optimizer", .text).notNull()
            t.column("learning_rate", .double).notNull()
            t.column("weight_decay", .double).notNull()
            t.column("momentum", .double).notNull()
            t.column("split_seed", .integer).notNull()
            t.column("test_size", .integer).notNull()
            t.column("seed", .integer).notNull()
            t.column("every", .integer).notNull()
            t.column("configuration", .text).notNull()
            t.column("status", .text).notNull()
            t.column("message", .text)
            t.column("test_images", .integer)
            t.column("trainable_tensors", .integer)
            t.column("trainable_parameters", .integer)
            t.column("no_adaptation_accuracy", .double)
            t.column("prior_only_accuracy", .double)
            t.column("adapted_accuracy", .double)
            t.column("mean_loss", .double)
            t.column("predictions", .text)
            t.column("seconds", .double).notNull()
            t.column("started_at", .datetime).notNull()
            t.column("finished_at", .datetime).notNull()
            t.column("tool_commit", .text).notNull()
        }
        try db.create(index: "adaptation_runs_cell", on: "adaptation_runs",
                      columns: ["checkpoint_sha256", "shift", "method", "mode", "selection"])
        try db.create(table: "adaptation_curves") { t in
            t.column("run_key", .text).notNull().references("adaptation_runs", column: "key", onDelete: .cascade)
            t.column("seen", .integer).notNull()
            t.column("cumulative_accuracy", .double).notNull()
            t.column("window_accuracy", .double).notNull()
            t.column("no_adaptation_accuracy", .double)
            t.column("prior_only_accuracy", .double)
            t.primaryKey(["run_key", "seen"])
        }
    }
}
