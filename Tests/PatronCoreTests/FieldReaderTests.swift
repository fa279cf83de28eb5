import Foundation
import Testing

@testable import PatronCore

/// A reader over a JSON request body written as text.
func bodyReader(_ json: String) throws -> FieldReader {
    try FieldReader.root(JSONParser.parse(json))
}

@Suite struct FieldPathTests {
    @Test func pathsRenderTheWayMessagesNameFields() {
        #expect(FieldPath().description == "(body)")
        #expect(FieldPath().member("email").description == "email")
        #expect(FieldPath().member("lineItems").element(2).member("quantity").description == "lineItems[2].quantity")
        #expect(FieldPath("customer").member("consent").member("sms").description == "customer.consent.sms")
    }

    @Test func fieldErrorAndFailureDescriptions() {
        let first = FieldError(field: "lineItems[1].quantity", message: "expected a quantity of 1 or more, got 0")
        let second = FieldError(field: "email", message: "is required")
        #expect(first.description == "lineItems[1].quantity: expected a quantity of 1 or more, got 0")
        #expect(ValidationFailure([first, second]).description == "\(first.description); \(second.description)")
        #expect(ValidationFailure(field: "x", message: "y").errors == [FieldError(field: "x", message: "y")])
    }
}

@Suite struct FieldReaderTests {
    @Test func rootMustBeAnObject() throws {
        let thrown = #expect(throws: ValidationFailure.self) { _ = try FieldReader.root(.array([])) }
        let failure = try #require(thrown)
        #expect(failure.errors == [FieldError(field: "(body)", message: "expected a JSON object, got array")])
    }

    @Test func finishThrowsEveryCollectedError() throws {
        var reader = try bodyReader(#"{"a": 1, "b": "x"}"#)
        _ = reader.string("a")
        _ = reader.integer("b")
        _ = reader.string("c", required: true)
        let finished = reader
        let thrown = #expect(throws: ValidationFailure.self) { try finished.finish() }
        let failure = try #require(thrown)
        #expect(failure.errors.map(\.field) == ["a", "b", "c"])
        #expect(
            failure.errors.map(\.message) == [
                "expected a string, got number", "expected an integer, got string", "is required",
            ])
    }

    @Test func finishSucceedsWithoutErrors() throws {
        var reader = try bodyReader(#"{"a": "x"}"#)
        let aString = reader.string("a")
        #expect(aString == "x")
        try reader.finish()
    }

    @Test func absentAndNullMembersAreNilWithoutErrors() throws {
        var reader = try bodyReader(#"{"nothing": null}"#)
        let nothingString = reader.string("nothing")
        #expect(nothingString == nil)
        let missingInteger = reader.integer("missing")
        #expect(missingInteger == nil)
        #expect(reader.has("nothing") == false)
        #expect(reader.errors.isEmpty)
    }

    @Test func stringsAreTrimmedAndLimited() throws {
        var reader = try bodyReader(#"{"name": "  Ana \n", "blank": "   ", "long": "abcdef"}"#)
        let nameString = reader.string("name")
        #expect(nameString == "Ana")
        let blankString = reader.string("blank")
        #expect(blankString == nil)
        #expect(reader.errors.isEmpty)
        let requiredBlank = reader.string("blank", required: true)
        #expect(requiredBlank == nil)
        let longString = reader.string("long", maxLength: 5)
        #expect(longString == nil)
        #expect(
            reader.errors == [
                FieldError(field: "blank", message: "must not be empty"),
                FieldError(field: "long", message: "expected at most 5 characters, got 6"),
            ])
    }

    @Test func identifiersAcceptStringsAndExactIntegers() throws {
        var reader = try bodyReader(#"{"a": 5678901234567890123, "b": " x-1 ", "c": true, "d": ""}"#)
        let aIdentifier = reader.identifier("a")
        #expect(aIdentifier == "5678901234567890123")
        let bIdentifier = reader.identifier("b")
        #expect(bIdentifier == "x-1")
        let cIdentifier = reader.identifier("c")
        #expect(cIdentifier == nil)
        let dIdentifier = reader.identifier("d")
        #expect(dIdentifier == nil)
        #expect(reader.errors.map(\.field) == ["c", "d"])
        #expect(reader.errors.first?.message.hasSuffix("got boolean") == true)
    }

    @Test func integersAcceptWholeDoublesAndCheckTheRange() throws {
        var reader = try bodyReader(#"{"a": 2.0, "b": 2.5, "c": 7, "d": "3"}"#)
        let aInteger = reader.integer("a")
        #expect(aInteger == 2)
        let bInteger = reader.integer("b")
        #expect(bInteger == nil)
        let cInteger = reader.integer("c", range: 1...5)
        #expect(cInteger == nil)
        let dInteger = reader.integer("d")
        #expect(dInteger == nil)
        #expect(
            reader.errors == [
                FieldError(field: "b", message: "expected an integer, got number"),
                FieldError(field: "c", message: "expected an integer from 1 to 5, got 7"),
                FieldError(field: "d", message: "expected an integer, got string"),
            ])
    }

    @Test func minorUnitsRejectDecimalStringsAndNegativeAmounts() throws {
        var reader = try bodyReader(#"{"price": "19.99", "float": 19.99, "negative": -5, "ok": 1999}"#)
        let priceMinorUnits = reader.minorUnits("price")
        #expect(priceMinorUnits == nil)
        let floatMinorUnits = reader.minorUnits("float")
        #expect(floatMinorUnits == nil)
        let negativeMinorUnits = reader.minorUnits("negative")
        #expect(negativeMinorUnits == nil)
        let okMinorUnits = reader.minorUnits("ok")
        #expect(okMinorUnits == 1_999)
        #expect(reader.errors.map(\.field) == ["price", "float", "negative"])
        #expect(reader.errors[0].message.contains("minor units"))
        #expect(reader.errors[0].message.hasSuffix("got string"))
        #expect(reader.errors[1].message.hasSuffix("got number"))
        #expect(reader.errors[2].message == "expected an amount from 0 to 1000000000000000 minor units, got -5")
    }

    @Test func typedAccessorsNameWhatTheyExpected() throws {
        var reader = try bodyReader(
            #"""
            {"when": "yesterday", "email": "ana.example.com", "currency": "ABC", "flag": "yes",
             "status": "bogus", "zone": "Mars/Base", "country": "USA", "birthday": "1990-02-30", "phone": "12"}
            """#)
        let when = reader.timestamp("when")
        #expect(when == nil)
        let email = reader.email("email")
        #expect(email == nil)
        let currency = reader.currency("currency")
        #expect(currency == nil)
        let flag = reader.bool("flag")
        #expect(flag == nil)
        let status = reader.enumeration("status", as: FinancialStatus.self)
        #expect(status == nil)
        let zone = reader.timeZone("zone")
        #expect(zone == nil)
        let country = reader.countryCode("country")
        #expect(country == nil)
        let birthday = reader.calendarDate("birthday")
        #expect(birthday == nil)
        let phone = reader.phone("phone")
        #expect(phone == nil)
        let messages = Dictionary(uniqueKeysWithValues: reader.errors.map { ($0.field, $0.message) })
        #expect(messages.count == 9)
        #expect(messages["when"]?.contains("ISO-8601") == true)
        #expect(messages["email"]?.contains("e-mail") == true)
        #expect(messages["currency"]?.contains("ISO 4217") == true)
        #expect(messages["currency"]?.contains("\"ABC\"") == true)
        #expect(messages["flag"] == "expected true or false, got string")
        #expect(messages["status"]?.contains("\"partially_refunded\"") == true)
        #expect(messages["zone"]?.contains("IANA") == true)
        #expect(messages["country"]?.contains("ISO 3166-1") == true)
        #expect(messages["birthday"]?.contains("YYYY-MM-DD") == true)
        #expect(messages["phone"]?.contains("phone number") == true)
    }

    @Test func typedAccessorsNormaliseGoodValues() throws {
        var reader = try bodyReader(
            #"""
            {"when": "2024-05-01T14:30:00+02:00", "currency": "eur", "status": "Partially_Refunded",
             "zone": "Europe/Paris", "country": "gb", "birthday": "--07-14", "phone": "+1 (415) 555-0123",
             "flag": false}
            """#)
        let when = reader.timestamp("when")
        #expect(when?.timeIntervalSince1970 == 1_714_566_600)
        let currency = reader.currency("currency")
        #expect(currency == .eur)
        let status = reader.enumeration("status", as: FinancialStatus.self)
        #expect(status == .partiallyRefunded)
        let zone = reader.timeZone("zone")
        #expect(zone == "Europe/Paris")
        let country = reader.countryCode("country")
        #expect(country == "GB")
        let birthday = reader.calendarDate("birthday")
        #expect(birthday == CalendarDate(year: nil, month: 7, day: 14))
        let phone = reader.phone("phone")
        #expect(phone == "+14155550123")
        let flag = reader.bool("flag")
        #expect(flag == false)
        #expect(reader.errors.isEmpty)
    }

    @Test func stringListsSkipBlanksAndNameBadElements() throws {
        var reader = try bodyReader(#"{"tags": [" vip ", 5, "  ", "new"]}"#)
        let tags = reader.strings("tags")
        #expect(tags == ["vip", "new"])
        #expect(reader.errors == [FieldError(field: "tags[1]", message: "expected a string, got number")])
    }

    @Test func arraysAreLimited() throws {
        var reader = try bodyReader(#"{"items": [1, 2, 3]}"#)
        let itemsArray = reader.array("items", maxCount: 2)
        #expect(itemsArray == nil)
        #expect(reader.errors == [FieldError(field: "items", message: "expected at most 2 items, got 3")])
    }

    @Test func nestedReadersPrefixTheirPath() throws {
        var reader = try bodyReader(#"{"outer": {"inner": [{"n": 1}, {"n": "x"}, 7]}}"#)
        let values = reader.nested("outer") { outer in
            outer.objects("inner") { item in item.integer("n", required: true) }
        }
        #expect(values == nil)
        #expect(
            reader.errors == [
                FieldError(field: "outer.inner[1].n", message: "expected an integer, got string"),
                FieldError(field: "outer.inner[2]", message: "expected an object, got number"),
            ])
    }
}

@Suite struct OrderInputReadingTests {
    static let validOrder = #"""
        {"externalId": 5678901234567890123, "number": "#1001", "currency": "usd", "placedAt": "2024-05-01T12:30:00Z",
         "email": "Ana@Example.com", "customerExternalId": "c-1", "financialStatus": "PAID",
         "lineItems": [
            {"externalId": 9223372036854775807, "productExternalId": "p1", "sku": "MUG-1", "title": "Mug",
             "quantity": 2, "unitPrice": 1250, "discount": 100},
            {"sku": "TEE", "quantity": 1, "unitPrice": 2000}],
         "discountCodes": [{"code": "SPRING", "amount": 300}], "shippingTotal": 500, "taxTotal": 200,
         "shippingAddress": {"city": "Lisbon", "country": "pt"},
         "refunds": [{"externalId": "r1", "createdAt": "2024-05-02T00:00:00Z", "amount": 500,
                      "lineItems": [{"quantity": 1, "sku": "TEE"}]}]}
        """#

    @Test func validOrderIsReadCompletely() throws {
        var reader = try bodyReader(Self.validOrder)
        let readOrder = OrderInput.read(&reader)
        let order = try #require(readOrder)
        #expect(reader.errors.isEmpty)
        #expect(order.externalId == "5678901234567890123")
        #expect(order.number == "#1001")
        #expect(order.currency == .usd)
        #expect(order.placedAt.timeIntervalSince1970 == 1_714_566_600)
        #expect(order.customer == CustomerRef(externalId: "c-1", email: "Ana@Example.com"))
        #expect(order.financialStatus == .paid)
        #expect(order.fulfillmentStatus == .unfulfilled)
        #expect(order.lineItems.count == 2)
        #expect(order.lineItems[0].externalId == "9223372036854775807")
        #expect(order.lineItems[0].productExternalId == "p1")
        #expect(order.lineItems[1].title == "TEE")
        #expect(order.discountCodes == [DiscountInput(code: "SPRING", amount: 300)])
        #expect(order.discountTotal == 300)
        #expect(order.computedSubtotal == 2 * 1_250 - 100 + 2_000)
        #expect(order.computedTotal == 4_400 - 300 + 500 + 200)
        #expect(order.shippingAddress?.country == "PT")
        #expect(order.refunds.count == 1)
        #expect(order.refunds.first?.orderExternalId == "5678901234567890123")
        #expect(order.refunds.first?.lineItems.first?.sku == "TEE")
    }

    @Test func explicitTotalsWinOverComputedOnes() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "EUR", "placedAt": "2024-05-01", "subtotal": 1000, "total": 1234,
             "lineItems": [{"title": "A", "quantity": 1, "unitPrice": 10}]}
            """#)
        let readOrder = OrderInput.read(&reader)
        let order = try #require(readOrder)
        #expect(reader.errors.isEmpty)
        #expect(order.computedSubtotal == 1_000)
        #expect(order.computedTotal == 1_234)
    }

    @Test func zeroQuantityIsReportedOnTheLineItemPath() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": 1001, "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 1250},
                           {"title": "Tee", "quantity": 0, "unitPrice": 2000}]}
            """#)
        let order = OrderInput.read(&reader)
        #expect(
            reader.errors == [
                FieldError(field: "lineItems[1].quantity", message: "expected a quantity from 1 to 1000000, got 0")
            ])
        #expect(order?.lineItems.count == 1)
    }

    @Test func wrongTypeNamesExpectedAndActualTypes() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"title": "Mug", "quantity": "2", "unitPrice": 1250}]}
            """#)
        _ = OrderInput.read(&reader)
        #expect(
            reader.errors == [FieldError(field: "lineItems[0].quantity", message: "expected an integer, got string")])
    }

    @Test func decimalPriceStringIsRejectedAsNotMinorUnits() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": "19.99"}]}
            """#)
        _ = OrderInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["lineItems[0].unitPrice"])
        #expect(reader.errors.first?.message.contains("minor units") == true)
    }

    @Test func missingRequiredFieldsAreEachReported() throws {
        var reader = try bodyReader("{}")
        let order = OrderInput.read(&reader)
        #expect(order == nil)
        #expect(reader.errors.map(\.field) == ["externalId", "currency", "placedAt", "lineItems"])
        #expect(reader.errors.allSatisfy { $0.message == "is required" })
    }

    @Test func emptyLineItemsAreRejected() throws {
        var reader = try bodyReader(
            #"{"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z", "lineItems": []}"#)
        _ = OrderInput.read(&reader)
        #expect(reader.errors == [FieldError(field: "lineItems", message: "expected at least one line item")])
    }

    @Test func unknownCurrencyIsReported() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "ABC", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}]}
            """#)
        let order = OrderInput.read(&reader)
        #expect(order == nil)
        #expect(reader.errors.map(\.field) == ["currency"])
        #expect(reader.errors.first?.message.contains("ISO 4217") == true)
    }

    @Test func invalidEmailIsReported() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z", "email": "ana at example",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}]}
            """#)
        _ = OrderInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["email"])
        #expect(reader.errors.first?.message.contains("e-mail") == true)
    }

    @Test func lineItemNeedsATitleSkuOrProduct() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"quantity": 1, "unitPrice": 100}]}
            """#)
        _ = OrderInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["lineItems[0].title"])
    }

    @Test func embeddedCustomerFillsTheReferenceAndNamesNestedErrors() throws {
        var good = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "customer": {"externalId": 42, "email": "bo@example.com", "firstName": "Bo"},
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}]}
            """#)
        let readOrder = OrderInput.read(&good)
        let order = try #require(readOrder)
        #expect(good.errors.isEmpty)
        #expect(order.customer.externalId == "42")
        #expect(order.customer.email == "bo@example.com")
        #expect(order.customerDetails?.firstName == "Bo")

        var bad = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "customer": {"email": "nope", "consent": {"sms": {"state": "maybe"}}},
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}]}
            """#)
        _ = OrderInput.read(&bad)
        #expect(bad.errors.map(\.field) == ["customer.email", "customer.consent.sms.state"])
    }

    @Test func refundLineQuantityIsCheckedOnItsPath() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}],
             "refunds": [{"externalId": "r1", "createdAt": "2024-05-02T00:00:00Z", "amount": 100,
                          "lineItems": [{"quantity": 0}]}, {"amount": 5}]}
            """#)
        let order = OrderInput.read(&reader)
        #expect(
            reader.errors.map(\.field) == [
                "refunds[0].lineItems[0].quantity", "refunds[1].externalId", "refunds[1].createdAt",
            ])
        #expect(reader.errors.first?.message == "expected an integer from 1 to 1000000, got 0")
        #expect(order?.refunds.isEmpty == true)
    }

    @Test func negativeTotalsAndBadStatusesAreReported() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "o1", "currency": "USD", "placedAt": "2024-05-01T12:30:00Z", "shippingTotal": -5,
             "fulfillmentStatus": "lost", "cancelledAt": "not a date",
             "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 100}]}
            """#)
        _ = OrderInput.read(&reader)
        #expect(Set(reader.errors.map(\.field)) == ["shippingTotal", "fulfillmentStatus", "cancelledAt"])
    }
}

@Suite struct CustomerInputReadingTests {
    @Test func externalIdOrEmailIsRequired() throws {
        var reader = try bodyReader(#"{"firstName": "Ana"}"#)
        _ = CustomerInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["externalId"])
        #expect(reader.errors.first?.message.contains("required") == true)
    }

    @Test func emailAloneIsEnough() throws {
        var reader = try bodyReader(#"{"email": "ana@example.com"}"#)
        let readInput = CustomerInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.email == "ana@example.com")
        #expect(input.externalId == nil)
    }

    @Test func numericExternalIdAloneIsEnough() throws {
        var reader = try bodyReader(#"{"externalId": 5678901234567890123}"#)
        let readInput = CustomerInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.externalId == "5678901234567890123")
    }

    @Test func invalidEmailIsTheOnlyErrorReported() throws {
        var reader = try bodyReader(#"{"email": "not-an-email"}"#)
        _ = CustomerInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["email"])
    }

    @Test func everyFieldIsRead() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "c1", "email": "ana@example.com", "phone": "+351 912 345 678", "firstName": " Ana ",
             "lastName": "Silva", "country": "pt", "timeZone": "Europe/Lisbon", "birthday": "1990-07-14",
             "tags": ["vip"], "properties": {"plan": "gold", "visits": 3}, "createdAt": "2023-01-01T00:00:00Z",
             "updatedAt": "2024-05-01T12:30:00Z", "anonymousIds": ["anon-1"],
             "consent": {"email": {"state": "Subscribed", "recordedAt": "2024-05-01T12:30:00Z"},
                         "sms": {"state": "unsubscribed", "source": "checkout"}}}
            """#)
        let readInput = CustomerInput.read(&reader, source: "shopify")
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.phone == "+351912345678")
        #expect(input.firstName == "Ana")
        #expect(input.country == "PT")
        #expect(input.timeZone == "Europe/Lisbon")
        #expect(input.birthday == CalendarDate(year: 1990, month: 7, day: 14))
        #expect(input.tags == ["vip"])
        #expect(input.properties == ["plan": "gold", "visits": 3])
        #expect(input.sourceUpdatedAt?.timeIntervalSince1970 == 1_714_566_600)
        #expect(input.anonymousIds == ["anon-1"])
        #expect(input.ref == CustomerRef(externalId: "c1", email: "ana@example.com", anonymousId: "anon-1"))
        let email = try #require(input.consents.first(where: { $0.channel == .email }))
        #expect(email.state == .subscribed)
        #expect(email.source == "shopify")
        #expect(email.recordedAt?.timeIntervalSince1970 == 1_714_566_600)
        let sms = try #require(input.consents.first(where: { $0.channel == .sms }))
        #expect(sms.state == .unsubscribed)
        #expect(sms.source == "checkout")
        #expect(sms.recordedAt == nil)
    }

    @Test func badConsentStateIsReportedOnItsPath() throws {
        var reader = try bodyReader(
            #"{"externalId": "c1", "consent": {"email": {"state": "subscribed"}, "sms": {"state": "maybe"}}}"#)
        let readInput = CustomerInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.map(\.field) == ["consent.sms.state"])
        #expect(input.consents.map(\.channel) == [.email])
    }
}

@Suite struct ProductInputReadingTests {
    @Test func currencyIsRequiredWhenAVariantHasAPrice() throws {
        var reader = try bodyReader(#"{"externalId": "p1", "variants": [{"externalId": "v1", "price": 1999}]}"#)
        _ = ProductInput.read(&reader)
        #expect(reader.errors == [FieldError(field: "currency", message: "is required when a variant has a price")])
    }

    @Test func variantsWithoutPricesNeedNoCurrency() throws {
        var reader = try bodyReader(#"{"externalId": "p1", "variants": [{"externalId": "v1", "sku": "A"}]}"#)
        let readInput = ProductInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.variants?.map(\.externalId) == ["v1"])
    }

    @Test func pricedProductIsReadCompletely() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": 1234567890123, "title": "Mug", "currency": "EUR", "status": "draft", "tags": ["kitchen"],
             "variants": [{"externalId": 98765432109876, "sku": "MUG-R", "options": {"colour": "red"},
                           "price": 1999, "compareAtPrice": 2499, "stock": -2}]}
            """#)
        let readInput = ProductInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.externalId == "1234567890123")
        #expect(input.currency == .eur)
        #expect(input.status == .draft)
        let variant = try #require(input.variants?.first)
        #expect(variant.externalId == "98765432109876")
        #expect(variant.options == ["colour": "red"])
        #expect(variant.price == 1_999)
        #expect(variant.compareAtPrice == 2_499)
        #expect(variant.stock == -2)
    }

    @Test func variantErrorsNameTheirPath() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": "p1", "currency": "USD",
             "variants": [{"sku": "A"}, {"externalId": "v2", "options": {"size": 4}, "price": "9.99"}]}
            """#)
        _ = ProductInput.read(&reader)
        #expect(
            reader.errors.map(\.field) == ["variants[0].externalId", "variants[1].options.size", "variants[1].price"])
    }

    @Test func externalIdIsRequired() throws {
        var reader = try bodyReader(#"{"title": "Mug"}"#)
        let product = ProductInput.read(&reader)
        #expect(product == nil)
        #expect(reader.errors == [FieldError(field: "externalId", message: "is required")])
    }
}

@Suite struct EventInputReadingTests {
    static let now = Date(timeIntervalSince1970: 1_714_566_600)

    @Test func aCustomerReferenceIsRequired() throws {
        var reader = try bodyReader(#"{"type": "Product Viewed"}"#)
        let event = EventInput.read(&reader, now: Self.now)
        #expect(event != nil)
        #expect(reader.errors.map(\.field) == ["customerExternalId"])
        #expect(reader.errors.first?.message.contains("one of customerExternalId, email or anonymousId") == true)
    }

    @Test(arguments: [
        #"{"type": "Page", "customerExternalId": 77}"#, #"{"type": "Page", "email": "ana@example.com"}"#,
        #"{"type": "Page", "anonymousId": "anon-1"}"#,
    ])
    func anyOneReferenceIsEnough(json: String) throws {
        var reader = try bodyReader(json)
        let readEvent = EventInput.read(&reader, now: Self.now)
        let event = try #require(readEvent)
        #expect(reader.errors.isEmpty)
        #expect(!event.customer.isEmpty)
    }

    @Test func defaultsMessageIdAndTime() throws {
        var reader = try bodyReader(#"{"type": "Page", "anonymousId": "anon-1"}"#)
        let readEvent = EventInput.read(&reader, now: Self.now)
        let event = try #require(readEvent)
        #expect(!event.messageId.isEmpty)
        #expect(event.occurredAt == Self.now)
        #expect(event.source == .api)
        #expect(event.productExternalIds.isEmpty)
    }

    @Test func readsEveryFieldAndExtractsProductReferences() throws {
        var reader = try bodyReader(
            #"""
            {"type": "Product Viewed", "customerExternalId": "c1", "messageId": 42,
             "occurredAt": "2024-05-01T12:30:00Z", "properties": {"product_id": 5678901234567890123, "price": 19.99},
             "context": {"ip": "203.0.113.9"}}
            """#)
        let readEvent = EventInput.read(&reader, now: Self.now.addingTimeInterval(3_600))
        let event = try #require(readEvent)
        #expect(reader.errors.isEmpty)
        #expect(event.type == "Product Viewed")
        #expect(event.customer.externalId == "c1")
        #expect(event.messageId == "42")
        #expect(event.occurredAt == Self.now)
        #expect(event.properties["price"] == .double(19.99))
        #expect(event.context == ["ip": "203.0.113.9"])
        #expect(event.productExternalIds == ["5678901234567890123"])
    }

    @Test func explicitProductIdsWinOverProperties() throws {
        var reader = try bodyReader(
            #"{"type": "X", "anonymousId": "a", "productExternalIds": ["p9"], "properties": {"product_id": "p1"}}"#)
        let readEvent = EventInput.read(&reader, now: Self.now)
        let event = try #require(readEvent)
        #expect(event.productExternalIds == ["p9"])
    }

    @Test func typeIsRequired() throws {
        var reader = try bodyReader(#"{"anonymousId": "a"}"#)
        let event = EventInput.read(&reader, now: Self.now)
        #expect(event == nil)
        #expect(reader.errors == [FieldError(field: "type", message: "is required")])
    }
}

@Suite struct ShipmentInputReadingTests {
    @Test func readsTrackingEvents() throws {
        var reader = try bodyReader(
            #"""
            {"externalId": 1, "orderExternalId": 5678901234567890123, "carrier": "UPS", "trackingNumber": "1Z999",
             "events": [{"status": "in_transit", "occurredAt": "2024-05-01T12:30:00Z", "location": "Porto"},
                        {"status": "DELIVERED", "occurredAt": "2024-05-02T09:00:00Z", "externalId": "e-2"}]}
            """#)
        let readInput = ShipmentInput.read(&reader)
        let input = try #require(readInput)
        #expect(reader.errors.isEmpty)
        #expect(input.orderExternalId == "5678901234567890123")
        #expect(input.events.map(\.status) == [.inTransit, .delivered])
        #expect(input.events[0].dedupeKey == "in_transit@1714566600000")
        #expect(input.events[1].dedupeKey == "e-2")
    }

    @Test func badEventsAndMissingOrderAreReported() throws {
        var reader = try bodyReader(
            #"{"externalId": "s1", "events": [{"status": "teleported", "occurredAt": "2024-05-01T12:30:00Z"}]}"#)
        _ = ShipmentInput.read(&reader)
        #expect(reader.errors.map(\.field) == ["orderExternalId", "events[0].status"])
    }
}

@Suite struct ProductReferencesTests {
    @Test func singleProductId() {
        #expect(ProductReferences.extract(from: ["product_id": "p1"]) == ["p1"])
        #expect(ProductReferences.extract(from: ["productId": 123]) == ["123"])
    }

    @Test func productsArrayIsDeduplicatedInOrder() {
        let properties: [String: JSONValue] = [
            "product_id": "a",
            "products": [
                ["product_id": "a"], ["productId": 5_678_901_234_567_890_123], ["product_id": "b"], ["sku": "no-id"],
                ["product_id": "b"], "not an object",
            ],
        ]
        #expect(ProductReferences.extract(from: properties) == ["a", "5678901234567890123", "b"])
    }

    @Test func nothingToExtract() {
        #expect(ProductReferences.extract(from: [:]).isEmpty)
        #expect(ProductReferences.extract(from: ["product_id": "", "products": "x"]).isEmpty)
    }
}
