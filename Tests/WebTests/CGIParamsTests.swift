import Foundation
import Testing

@testable import FastCGI

@Suite struct CGIParamsTests {
    /// Parameters as libfcgi hands them over: a NULL-terminated array of "NAME=VALUE".
    static func environment(_ entries: [String], _ body: (CGIParams) -> Void) {
        let strings = entries.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        var array: [UnsafeMutablePointer<CChar>?] = strings + [nil]
        array.withUnsafeMutableBufferPointer { body(CGIParams(environment: $0.baseAddress)) }
    }

    @Test func aParameterIsFoundByItsWholeName() {
        Self.environment([
            "REQUEST_METHOD=GET", "REQUEST_URI=/merchant/cases?state=x&a=b", "QUERY_STRING=state=x&a=b", "HTTP_COOKIE=",
            "NO_EQUALS_SIGN", "HTTP_X=1", "HTTP_X=2", "HTTP_ACCEPT_LANGUAGE=pl-PL,pl;q=0.9 ż",
        ]) { params in
            #expect(params["REQUEST_METHOD"] == "GET")
            #expect(params["REQUEST_URI"] == "/merchant/cases?state=x&a=b")
            #expect(params["QUERY_STRING"] == "state=x&a=b", "a value keeps its own =")
            #expect(params["HTTP_COOKIE"] == "", "an empty value is a value")
            #expect(params["NO_EQUALS_SIGN"] == nil, "an entry without = is no parameter")
            #expect(params["HTTP_X"] == "2", "the last of two, as a dictionary filled in order kept it")
            #expect(params["HTTP_ACCEPT_LANGUAGE"] == "pl-PL,pl;q=0.9 ż")
            #expect(params["REQUEST"] == nil && params["REQUEST_METHODS"] == nil && params["request_method"] == nil)
            #expect(params[""] == nil)
        }
        Self.environment([]) { #expect($0["REQUEST_METHOD"] == nil) }
    }

    @Test func parametersGivenByHandAreFoundTheSameWay() {
        let params: CGIParams = ["REQUEST_METHOD": "POST", "CONTENT_LENGTH": "12", "EMPTY": ""]
        #expect(params["REQUEST_METHOD"] == "POST")
        #expect(params["CONTENT_LENGTH"] == "12")
        #expect(params["EMPTY"] == "")
        #expect(params["MISSING"] == nil)
        #expect(CGIParams()["REQUEST_METHOD"] == nil)
    }
}
