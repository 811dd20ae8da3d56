import Testing
@testable import ScalpelExperiments

/// A key given twice in a mapping is reported at the repeat's own line and column, with the line
/// of its first occurrence, wherever the mapping is (top level, a flow mapping in a list, a map of
/// per-method values), alongside every other problem of the document.
@Suite struct SpecDuplicateKeyTests {
    func problems(_ yaml: String) throws -> SpecErrors {
        try #require(throws: SpecErrors.self) { try ExperimentSpec(yaml: yaml, source: "x.yaml") }
    }

    @Test func topLevelRepeatIsReportedAtItsOwnLine() throws {
        let yaml = "name: x\nepochs: 1\nmethods: [all]\nshifts: [fmnist-flip]\n\n  # comment\nepochs: 2\n"
        let e = try problems(yaml)
        #expect(e.errors.map(\.description) == ["epochs: duplicate key 'epochs' (line 7, column 1; first at line 2)"], "\(e)")
    }

    @Test func everyRepeatIsReportedAtOnceWithTheOtherProblems() throws {
        let yaml = """
        epochs: 1
        adaptation: [{method: memo, steps: 1, steps: 2}]
        method_learning_rates: {last: [1e-1], last: [1e-2]}
        epochs: 2
        colour: blue
        epochs: 3
        """
        let e = try problems(yaml)
        #expect(e.errors.map(\.description) == [
            "adaptation[0].steps: duplicate key 'steps' (line 2, column 39; first at line 2)",
            "method_learning_rates.last: duplicate key 'last' (line 3, column 39; first at line 3)",
            "epochs: duplicate key 'epochs' (line 4, column 1; first at line 1)",
            "colour: line 5, column 1: unknown key 'colour'",
            "epochs: duplicate key 'epochs' (line 6, column 1; first at line 1)",
        ], "\(e)")
    }

    @Test func quotedAndNonASCIIKeysKeepTheirColumns() throws {
        // "é" is one column to libyaml: the quoted repeat starts at column 21 of line 1.
        let e = try problems("{\"é\": 1, epochs: 1, 'epochs': 2}\n")
        let repeats = e.errors.filter { $0.message.hasPrefix("duplicate") }.map(\.description)
        #expect(repeats == ["epochs: duplicate key 'epochs' (line 1, column 21; first at line 1)"], "\(e)")
    }
}
