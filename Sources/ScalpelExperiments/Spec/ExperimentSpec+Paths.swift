import Foundation
import ScalpelData

/// One shift of a spec as the plan runs it: the shift with its paths resolved (what is loaded),
/// the text that identifies its runs (as written in the spec, so runs keep their keys whichever
/// directory the sweep starts from), the label runs are recorded under, and its checkpoints.
struct ShiftPlan {
    /// The shift to load, relative paths resolved against the spec's directory.
    var shift: ShiftSpec
    /// The shift's text as written (`ShiftSpec.description` before resolving), for run identities.
    var identity: String
    var label: String
    var checkpoints: [CheckpointSource]
}

extension ShiftSpec {
    /// The shift with the relative paths it reads (a `data:` shift's target and source) resolved
    /// like checkpoints: against `specDirectory` first, then the working directory.
    func resolvingPaths(relativeTo specDirectory: String?) -> ShiftSpec {
        guard case .userData(var user) = self else { return self }
        user.target = CheckpointSource.resolve(user.target, relativeTo: specDirectory)
        user.source = user.source.map { CheckpointSource.resolve($0, relativeTo: specDirectory) }
        return .userData(user)
    }
}
