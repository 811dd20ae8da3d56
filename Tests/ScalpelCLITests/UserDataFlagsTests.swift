import ArgumentParser
import Testing
@testable import scalpel

/// `SCALPEL_DECODE_CACHE_MAX`: read by `UserDataFlags` (which every command reading your data
/// includes, and which argument-parser validates before `run()`); unset or empty is the default,
/// anything but a byte count is refused with an error naming the variable and what it takes.
@Suite struct UserDataFlagsTests {
    @Test func theCapIsReadFromTheEnvironment() throws {
        #expect(try UserDataFlags.decodeCacheCap(environment: ["SCALPEL_DECODE_CACHE_MAX": "50G"]) == 50 << 30)
        #expect(try UserDataFlags.decodeCacheCap(environment: ["SCALPEL_DECODE_CACHE_MAX": "123456"]) == 123_456)
        #expect(try UserDataFlags.decodeCacheCap(environment: ["SCALPEL_DECODE_CACHE_MAX": ""]) == nil)
        #expect(try UserDataFlags.decodeCacheCap(environment: ["SCALPEL_NO_DECODE_CACHE": "1"]) == nil)
    }

    @Test(arguments: ["lots", "0", "-5G", "1.5G", "20GB"])
    func aMalformedCapIsAnErrorNamingTheVariable(text: String) {
        #expect {
            try UserDataFlags.decodeCacheCap(environment: ["SCALPEL_DECODE_CACHE_MAX": text])
        } throws: { error in
            let message = "\(error)"
            return error is ValidationError && message.contains("SCALPEL_DECODE_CACHE_MAX")
                && message.contains("positive number of bytes") && message.contains("K, M, G or T") && message.contains("'\(text)'")
        }
    }
}
