import ArgumentParser
import Foundation
import Testing
@testable import scalpel

/// The exact help of every command at 80 columns, as argument-parser's own tests pin theirs. The
/// expected texts are in Tests/ScalpelCLITests/Help/<command path>.txt; after changing a help
/// string, regenerate them and read the diff (docs/cli.md):
///
///     SCALPEL_RECORD_HELP=1 swift test --skip-build --filter HelpTextTests
@Suite struct HelpTextTests {
    static let columns = 80

    /// Every command's path below `scalpel` ("" for the root, "bench engine", …).
    static let commandPaths: [String] = CommandTree.paths(of: Scalpel.self)

    static var helpDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")
    }

    static func fixture(for path: String) -> URL {
        helpDirectory.appendingPathComponent((path.isEmpty ? "scalpel" : path.replacingOccurrences(of: " ", with: "-")) + ".txt")
    }

    @Test(arguments: commandPaths)
    func helpIsExactlyTheRecordedText(_ path: String) throws {
        let command = try #require(CommandTree.command(at: path, in: Scalpel.self))
        let help = Scalpel.helpMessage(for: command, columns: Self.columns) + "\n"
        let file = Self.fixture(for: path)
        if ProcessInfo.processInfo.environment["SCALPEL_RECORD_HELP"] == "1" {
            try help.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); run again without SCALPEL_RECORD_HELP")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(help == expected, "scalpel help \(path) changed; see the comment of HelpTextTests to regenerate")
    }

    /// One recorded file per command, none left over from a removed one.
    @Test func everyRecordedHelpBelongsToACommand() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.helpDirectory.path).filter { $0.hasSuffix(".txt") }
        let expected = Self.commandPaths.map { Self.fixture(for: $0).lastPathComponent }
        #expect(Set(files) == Set(expected))
        #expect(expected.count == Set(expected).count)
        #expect(expected.contains("finetune.txt") && expected.contains("bench-engine.txt") && expected.contains("scalpel.txt"))
    }

    /// Discussions are written for argument-parser's wrapping: a paragraph is one line, or a list
    /// whose items are lines starting with "- " (after an optional heading ending in ":"), so no
    /// sentence is broken by hand and re-wrapped into orphan words.
    @Test(arguments: commandPaths)
    func discussionHasNoLineBreakInsideASentence(_ path: String) throws {
        let command = try #require(CommandTree.command(at: path, in: Scalpel.self))
        let broken = Self.linesBrokenByHand(command.configuration.discussion)
        #expect(broken.isEmpty, "scalpel \(path): a line break inside a paragraph before: \(broken)")
    }

    /// The lines of a discussion that continue a paragraph after a hand-made line break.
    static func linesBrokenByHand(_ discussion: String) -> [Substring] {
        discussion.components(separatedBy: "\n\n").flatMap { paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count < 2 ? [] : lines.enumerated()
                .filter { i, line in !(line.hasPrefix("- ") || (i == 0 && line.hasSuffix(":"))) }
                .map { $0.element }
        }
    }

    @Test func theWrappingCheckFindsAHandBrokenSentenceAndAcceptsLists() {
        #expect(Self.linesBrokenByHand("Fine-tune only the blocks\nthat a shift calls for.") == ["Fine-tune only the blocks", "that a shift calls for."])
        #expect(Self.linesBrokenByHand("One paragraph.\n\nModes:\n- forward: eval.\n- all: every parameter.").isEmpty)
        #expect(Self.linesBrokenByHand("Modes:\n- forward: eval.\n  continued by hand").count == 1)
    }
}

/// Walks `scalpel`'s command tree.
enum CommandTree {
    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    static func paths(of root: any ParsableCommand.Type, prefix: String = "") -> [String] {
        [prefix] + root.configuration.subcommands.flatMap { sub in
            paths(of: sub, prefix: prefix.isEmpty ? name(of: sub) : prefix + " " + name(of: sub))
        }
    }

    static func command(at path: String, in root: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        var current = root
        for part in path.split(separator: " ") {
            guard let next = current.configuration.subcommands.first(where: { name(of: $0) == part }) else { return nil }
            current = next
        }
        return current
    }
}
