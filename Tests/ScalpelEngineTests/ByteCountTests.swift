import Testing
import ScalpelEngine

/// `ByteCount.parse`: digits with an optional K, M, G or T suffix in powers of 1024; anything
/// else, or a count that does not fit an `Int`, is nil.
@Suite struct ByteCountTests {
    @Test(arguments: [("0", 0), ("1", 1), ("4096", 4096), ("1K", 1024), ("1k", 1024), ("3M", 3 << 20),
                      ("2G", 2 << 30), ("2g", 2 << 30), ("1T", 1 << 40), ("007", 7), ("8388607T", 8_388_607 << 40)])
    func acceptsDigitsWithAnOptionalSuffix(_ text: String, _ bytes: Int) {
        #expect(ByteCount.parse(text) == bytes)
    }

    @Test(arguments: ["", "K", "-1", "+1", "1.5G", "2GB", "2 G", " 2", "2P", "0x10", "1e9", "١٢", "8388608T",
                      "9223372036854775808"])
    func refusesAnythingElse(_ text: String) {
        #expect(ByteCount.parse(text) == nil)
    }
}
