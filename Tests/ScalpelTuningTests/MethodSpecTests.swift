import Testing
import ScalpelNN
@testable import ScalpelTuning

@Suite struct MethodSpecTests {
    @Test func parsesEveryForm() throws {
        for text in ["all", "last", "surgical:block1", "surgical:stem+block1", "cross-val",
                     "gradual-unfreeze:first-to-last", "gradual-unfreeze:last-to-first", "l1sp", "auto-rgn",
                     "auto-rgn:authors", "auto-snr", "successive-halving", "successive-halving:2"] {
            #expect(try MethodSpec(parsing: text).description == text)
        }
        #expect(try MethodSpec(parsing: "l1sp").hyperparameterName == "lambda")
        #expect(try MethodSpec(parsing: "auto-snr").hyperparameterName == "threshold")
        #expect(try MethodSpec(parsing: "auto-rgn").hyperparameterName == nil)
    }

    @Test func refusesWithAMessageNamingTheProblem() {
        func message(_ text: String) -> String {
            do { _ = try MethodSpec(parsing: text); return "" } catch { return "\(error)" }
        }
        #expect(message("fine-tune").contains("unknown method 'fine-tune'"))
        #expect(message("fine-tune").contains("auto-rgn"))
        #expect(message("surgical").contains("needs a selection"))
        #expect(message("surgical:block1+").contains("missing term"))
        #expect(message("gradual-unfreeze:sideways").contains("first-to-last or last-to-first"))
        #expect(message("auto-rgn:mine").contains("paper or authors"))
        #expect(message("all:block1").contains("takes no"))
        for bad in ["successive-halving:1", "successive-halving:9", "successive-halving:three"] {
            #expect(message(bad).contains("integer η from 2 to 8"), "\(bad)")
        }
    }

    @Test func selectionIsResolvedAgainstTheModel() throws {
        let model = smallResNet()
        #expect(throws: SelectionError.self) { _ = try MethodSpec(parsing: "surgical:block9").method(for: model) }
        let last = try MethodSpec(parsing: "last").method(for: model)
        #expect(last.candidates(in: model) == ["fc.weight", "fc.bias"])
        let authors = try MethodSpec(parsing: "auto-rgn:authors").method(for: model)
        #expect(authors.candidates(in: model).allSatisfy { !$0.contains("bn") && !$0.contains("downsample.1") })
        #expect(authors.candidates(in: model).count == model.namedParameters().count - batchNormParameterNames(model).count)
        let halving = try MethodSpec(parsing: "successive-halving:3").method(for: model)
        #expect((halving as? SuccessiveHalving)?.reduction == 3)
        #expect((try MethodSpec(parsing: "successive-halving").method(for: model) as? SuccessiveHalving)?.reduction == 2)
    }
}
