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
enum ResultsSchema {
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
        return m
    }
}
