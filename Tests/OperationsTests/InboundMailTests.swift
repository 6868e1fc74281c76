import Foundation
import Testing

@testable import Mail
@testable import Operations

/// The pieces of `bp mail-in` that read a message: MIME, the transfer encodings and
/// charsets, RFC 2047 words, the quoted history cut off, automatic mail recognised, and
/// the signed reply addresses.
@Suite struct InboundMessageTests {
    static func parse(_ text: String) throws -> InboundMessage {
        try InboundMessage.parse(Array(text.utf8))
    }

    @Test func aPlainReplyWithQuotedPrintableInISO88592AndAnEncodedSubject() throws {
        // "Zażółć" in ISO-8859-2: ż=BF, ó=F3, ł=B3, ć=E6.
        let raw = """
            From: =?iso-8859-2?Q?Jan_Kowalski?= <Jan@Shop.Example>
            To: case+abc@reply.example
            Subject: =?utf-8?B?UmU6IFNwcmF3YSAjMTA3?= =?utf-8?Q?_=C5=BC?=
            Message-ID: <1@shop.example>
            Content-Type: text/plain; charset="ISO-8859-2"
            Content-Transfer-Encoding: quoted-printable

            Za=BF=F3=B3=E6 g=EA=B6l=B1 ja=BC=F1, a long line that=
             goes on.
            """
        let message = try Self.parse(raw)
        #expect(message.subject == "Re: Sprawa #107 ż")
        #expect(message.fromAddress == "jan@shop.example")
        #expect(message.messageID == "<1@shop.example>")
        #expect(message.text.hasPrefix("Zażółć gęślą jaźń, a long line that goes on."))
        #expect(message.attachments.isEmpty)
    }

    @Test func alternativesPreferThePlainPartAndAttachmentsAreDecoded() throws {
        let pdf = "%PDF-1.4 test"
        let raw = """
            From: a@b.example
            To: x@y.example
            Subject: r
            Content-Type: multipart/mixed; boundary="outer"

            This is a multi-part message in MIME format.
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/html; charset=utf-8

            <p>HTML <b>words</b></p>
            --inner
            Content-Type: text/plain; charset=utf-8

            Plain words
            --inner--
            --outer
            Content-Type: application/pdf; name="x.pdf"
            Content-Disposition: attachment; filename*=utf-8''faktura%20%C5%BC.pdf
            Content-Transfer-Encoding: base64

            \(Data(pdf.utf8).base64EncodedString())
            --outer--
            """
        let message = try Self.parse(raw)
        #expect(message.text.trimmingCharacters(in: .whitespacesAndNewlines) == "Plain words")
        #expect(!message.textFromHTML)
        #expect(message.attachments.count == 1)
        #expect(message.attachments.first?.filename == "faktura ż.pdf")
        #expect(message.attachments.first?.bytes == Array(pdf.utf8))
    }

    @Test func anHTMLOnlyReplyBecomesTextWithoutItsQuote() throws {
        let raw = """
            From: a@b.example
            Subject: r
            Content-Type: text/html; charset=windows-1250
            Content-Transfer-Encoding: quoted-printable

            <html><head><style>p{color:red}</style></head><body><p>Dzie=F1 dobry,</p><p>paczka &amp; faktura&nbsp;s=B9 w drodze.<br>Jan</p>
            <div id=3D"divRplyFwdMsg"><b>Od:</b> Buyer Protection</div><div>stara wiadomo=9C=E6</div></body></html>
            """
        let message = try Self.parse(raw)
        #expect(message.textFromHTML)
        let text = ReplyText.newText(message.text)
        #expect(text == "Dzień dobry,\npaczka & faktura są w drodze.\nJan")
    }

    @Test func mailPipedWithBareLineFeedsReadsTheSame() throws {
        let raw = "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b--\n"
        #expect(try InboundMessage.parse(Array(raw.utf8)).text.hasPrefix("hi"))
    }

    @Test func badMessagesAreRefusedWithAReason() throws {
        var nested = "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=b0x\n\n"
        for depth in 1..<50 { nested += "--b\(depth - 1)x\nContent-Type: multipart/mixed; boundary=b\(depth)x\n\n" }
        nested += "--b49x\nContent-Type: text/plain\n\ndeep\n"
        #expect(throws: InboundMessage.Failure.nestedTooDeep) { try Self.parse(nested) }

        let charset = "From: a@b.example\nSubject: s\nContent-Type: text/plain; charset=x-klingon\n\nnuqneH\n"
        #expect(throws: InboundMessage.Failure.unknownCharset("x-klingon")) { try Self.parse(charset) }

        let forwarded = """
            From: a@b.example
            Subject: s
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            see attached
            --b
            Content-Type: message/rfc822

            From: x@y.example
            Subject: old

            old
            --b--
            """
        #expect(throws: InboundMessage.Failure.forwardedMessage) { try Self.parse(forwarded) }

        let longHeader = "From: a@b.example\nX-Long: " + String(repeating: "a", count: 1_048_576) + "\n\nbody\n"
        #expect(throws: InboundMessage.Failure.headerTooLong) { try Self.parse(longHeader) }

        var limits = InboundMessage.Limits()
        limits.messageBytes = 1000
        #expect(throws: InboundMessage.Failure.tooLarge(limit: 1000)) {
            try InboundMessage.parse(Array(repeating: 65, count: 1001), limits: limits)
        }
        #expect(throws: InboundMessage.Failure.noHeaders) { try Self.parse("\nno headers at all\n") }
    }

    @Test func addressListsYieldTheirAddresses() {
        #expect(Addresses.parse(#""Kowalski, Jan" <Jan@Example.com>, b@c.example, Bob <bob@x.example>"#)
            == ["jan@example.com", "b@c.example", "bob@x.example"])
        #expect(Addresses.parse("undisclosed-recipients:;").isEmpty)
    }
}

@Suite struct ReplyTextTests {
    @Test(arguments: [
        // Gmail, English, the attribution over two lines.
        ("Thanks, the parcel came.\n\nOn Mon, 1 Dec 2026 at 10:00, Buyer Protection <no-reply@bp.example>\nwrote:\n> Case #1 was opened\n> more",
         "Thanks, the parcel came."),
        // Apple Mail, German.
        ("Paket ist da.\n\nAm 01.12.2026 um 10:00 schrieb Buyer Protection <no-reply@bp.example>:\n\n> Fall #1", "Paket ist da."),
        // Gmail, Polish.
        ("Dziękuję.\n\npon., 1 gru 2026 o 10:00 Buyer Protection <no-reply@bp.example> napisał(a):\n> Sprawa", "Dziękuję."),
        // Thunderbird, Polish.
        ("Zwrot wysłany.\n\nW dniu 1.12.2026 o 10:00, Buyer Protection pisze:\n> Sprawa", "Zwrot wysłany."),
        // Outlook, Polish, with its header block and underscores.
        ("Dzień dobry,\nw załączniku faktura.\n\nPozdrawiam\nJan\n\n________________________________\nOd: Buyer Protection <no-reply@bp.example>\nWysłane: poniedziałek, 1 grudnia 2026 10:00\nDo: sklep@shop.example\nTemat: Sprawa #1\n\nZespół obsługi prosi o dokumenty.",
         "Dzień dobry,\nw załączniku faktura.\n\nPozdrawiam\nJan"),
        // Outlook, German, without the underscores.
        ("Anbei die Rechnung.\n\nVon: Buyer Protection <no-reply@bp.example>\nGesendet: Montag, 1. Dezember 2026 10:00\nAn: shop@shop.example\nBetreff: Fall #1\n\nalt",
         "Anbei die Rechnung."),
        // Outlook, English, "-----Original Message-----".
        ("See the invoice.\n-----Original Message-----\nFrom: Buyer Protection\nSent: Monday\nTo: x\nSubject: y", "See the invoice."),
        // A signature and a phone's line.
        ("Short answer.\n-- \nJan Kowalski\nShop", "Short answer."),
        ("Short answer.\n\nSent from my iPhone", "Short answer."),
        // Quoted lines in between, interleaved answers kept.
        ("> question one\nanswer one\n> question two\nanswer two", "answer one\nanswer two"),
        // "From:" in running text is not Outlook's block.
        ("From: my side all is fine.\nThanks", "From: my side all is fine.\nThanks"),
    ])
    func theQuotedHistoryAndSignatureAreCut(reply: String, expected: String) {
        #expect(ReplyText.newText(reply) == expected)
        #expect(ReplyText.newText(reply.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
    }
}

@Suite struct AutomaticMailTests {
    static func message(_ headers: String, body: String = "text") throws -> InboundMessage {
        try InboundMessage.parse(Array((headers + "\n\n" + body + "\n").utf8))
    }

    @Test(arguments: [
        "From: a@b.example\nSubject: Re: Case #1\nAuto-Submitted: auto-replied",
        "From: a@b.example\nSubject: Re: Case #1\nPrecedence: bulk",
        "From: a@b.example\nSubject: Re: Case #1\nX-Autoreply: yes",
        "From: a@b.example\nSubject: Automatic reply: Case #1",
        "From: a@b.example\nSubject: Out of Office: Case #1",
        "From: a@b.example\nSubject: Abwesenheitsnotiz: Fall #1",
        "From: a@b.example\nSubject: Odpowiedź automatyczna: Sprawa #1",
        "From: a@b.example\nSubject: =?utf-8?Q?Nieobecno=C5=9B=C4=87?=",
    ])
    func autoRepliesAreRecognised(headers: String) throws {
        #expect(AutomaticMail.kind(of: try Self.message(headers)) == .autoReply)
    }

    @Test(arguments: [
        "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender",
        "From: postmaster@mx.example\nSubject: failure",
        "From: x@mx.example\nSubject: report\nContent-Type: multipart/report; report-type=delivery-status; boundary=b",
    ])
    func bouncesAreRecognised(headers: String) throws {
        let body = headers.contains("multipart/report") ? "--b\nContent-Type: text/plain\n\nfailed\n--b--" : "failed"
        #expect(AutomaticMail.kind(of: try Self.message(headers, body: body)) == .bounce)
    }

    @Test func aPersonsReplyIsNotAutomatic() throws {
        #expect(AutomaticMail.kind(of: try Self.message("From: jan@shop.example\nSubject: Re: Case #1\nAuto-Submitted: no")) == nil)
    }
}

@Suite struct ReplyAddressTests {
    let addresses = ReplyAddresses(secret: Array(repeating: 7, count: 32), domain: "reply.example")
    let caseID = "abcdefghijklmnopqrstuvwxyz"

    @Test func withoutADomainNoAddressIsOfferedButRepliesAreStillRead() throws {
        let offered = try #require(addresses.address(.caseParty(caseID: caseID, party: .merchant)))
        let noDomain = ReplyAddresses(secret: Array(repeating: 7, count: 32), domain: nil)
        #expect(noDomain.address(.caseParty(caseID: caseID, party: .merchant)) == nil)
        #expect(noDomain.route(of: offered) == .caseParty(caseID: caseID, party: .merchant))
    }

    @Test func anAddressNamesItsCaseAndPartyAndNothingElse() throws {
        for route: ReplyAddresses.Route in [
            .caseParty(caseID: caseID, party: .customer), .caseParty(caseID: caseID, party: .merchant), .protection(protectionID: caseID),
        ] {
            let address = try #require(addresses.address(route))
            #expect(address.hasPrefix("case+") && address.hasSuffix("@reply.example"))
            #expect(address.split(separator: "@")[0].count <= 64)
            #expect(addresses.route(of: address) == route)
            #expect(addresses.route(of: address.uppercased()) == route, "MTAs may change the case")
        }
        let address = try #require(addresses.address(.caseParty(caseID: caseID, party: .customer)))
        // Moved to another case, to the other party, a letter changed, or another key: nothing.
        #expect(addresses.route(of: address.replacingOccurrences(of: "abcdef", with: "abcdeg")) == nil)
        #expect(addresses.route(of: address.replacingOccurrences(of: "case+c", with: "case+m")) == nil)
        var chars = Array(address)
        let macIndex = address.firstIndex(of: "@")!.utf16Offset(in: address) - 1
        chars[macIndex] = chars[macIndex] == "a" ? "b" : "a"
        #expect(addresses.route(of: String(chars)) == nil)
        let other = ReplyAddresses(secret: Array(repeating: 8, count: 32), domain: "reply.example")
        #expect(other.route(of: address) == nil)
        #expect(addresses.route(of: "no-reply@reply.example") == nil)
        #expect(addresses.route(of: "case+@reply.example") == nil)
    }
}
