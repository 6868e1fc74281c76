/// An ISO 4217 currency with the number of digits of its minor unit.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The code's three letters, one a byte (the first lowest). Not a String: a Currency,
    /// and so a `Money`, holds no reference, and copying a list line's amount counts none
    /// (a String's count went up and down twice a line, callgrind).
    public let letters: UInt32
    public let minorDigits: Int

    /// The currency for an ISO 4217 code ("PLN"), or nil when the code is not one.
    public init?(code: String) {
        guard let digits = Currency.table[code] else { return nil }
        var code = code
        letters = code.withUTF8 { Self.letters($0) } ?? 0
        self.minorDigits = digits
    }

    /// Three bytes as one word (nil for any other length): how a currency read from the
    /// database is compared with the one read before it.
    public static func letters(_ code: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard code.count == 3 else { return nil }
        return UInt32(code[0]) | UInt32(code[1]) << 8 | UInt32(code[2]) << 16
    }

    /// "PLN".
    public var code: String {
        withUnsafeBytes(of: letters.littleEndian) { String(decoding: $0.prefix(3), as: UTF8.self) }
    }

    public var description: String { code }

    /// The euro: what a stored row whose code is no longer known is read as.
    public static let euro = Currency(code: "EUR")!

    /// Active ISO 4217 codes and their minor-unit digits (funds and metals left out).
    static let table: [String: Int] = {
        var table: [String: Int] = [:]
        let twoDigits = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF \
            CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF \
            IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR \
            MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD \
            SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG
            """
        for code in twoDigits.split(separator: " ") { table[String(code)] = 2 }
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"] {
            table[code] = 0
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        return table
    }()
}
