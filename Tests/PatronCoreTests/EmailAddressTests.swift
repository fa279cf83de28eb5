import Foundation
import Testing

@testable import PatronCore

@Suite struct EmailAddressTests {
    @Test(arguments: [
        "ana@example.com", "ana.b+tag@mail.example.co.uk", "ANA@EXAMPLE.COM", "o'brien@example.ie", "x@a-b.io",
        "zoë@exämple.de", "1@2.3",
    ])
    func plausibleAddressesAreValid(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test(arguments: [
        "", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "ana@b@example.com", "ana @example.com",
        "ana@exa mple.com", "ana@-example.com", "ana@example-.com", "ana@example..com", "ana@example.com.",
        "ana@.example.com", "<ana@example.com>", "a,b@example.com", "ana@exa_mple.com", "ana\t@example.com",
    ])
    func malformedAddressesAreInvalid(address: String) {
        #expect(!EmailAddress.isValid(address))
    }

    @Test func localPartIsLimitedTo64Bytes() {
        #expect(EmailAddress.isValid(String(repeating: "a", count: 64) + "@example.com"))
        #expect(!EmailAddress.isValid(String(repeating: "a", count: 65) + "@example.com"))
    }

    @Test func wholeAddressIsLimitedTo254BytesAndLabelsTo63() {
        let label = String(repeating: "b", count: 63)
        let domain = [label, label, label, "com"].joined(separator: ".")
        #expect(EmailAddress.isValid("a@" + domain))
        #expect(!EmailAddress.isValid("a@" + String(repeating: "b", count: 64) + ".com"))
        let tooLong = String(repeating: "a", count: 60) + "@" + [label, label, label, label].joined(separator: ".")
        #expect(tooLong.utf8.count > 254)
        #expect(!EmailAddress.isValid(tooLong))
    }

    @Test func normalizedFormIsTrimmedAndLowercased() {
        #expect(EmailAddress.normalized("  Ana@Example.COM ") == "ana@example.com")
        #expect(EmailAddress.normalized("ana@example.com") == "ana@example.com")
    }
}
