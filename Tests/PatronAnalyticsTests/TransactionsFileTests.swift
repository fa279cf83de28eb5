import Testing

@testable import PatronAnalytics

@Suite struct TransactionsFileTests {
    @Test func readsColumnsInAnyOrderWithQuotesAndCRLF() throws {
        let text =
            "amount,customer_id,date,note\r\n12.50,\"c,1\",2024-03-01,x\r\n7,c2,2024-03-02T10:15:00Z,\r\n3.25,\"c,1\",2024-02-01T23:30:00-02:00,y\r\n"
        let snapshot = try TransactionsCSV.read(Array(text.utf8))
        #expect(snapshot.customerKeys == ["c,1", "c2"])
        #expect(snapshot.orderAmounts == [3.25, 12.5, 7])
        let february2 = CivilCalendar.day(year: 2024, month: 2, day: 2) * 86_400
        #expect(snapshot.orderTimes[0] == february2 + 3_600 + 30 * 60)
    }

    @Test(arguments: [
        ("customer_id,date\nc1,2024-01-01\n", "line 1: the header has no amount column"),
        ("customer_id,date,amount\nc1,2024-02-30,5\n", "line 2: date \"2024-02-30\" is not an ISO-8601 date"),
        ("customer_id,date,amount\nc1,2024-01-01,5\n,2024-01-02,5\n", "line 3: customer_id is empty"),
        ("customer_id,date,amount\nc1,2024-01-01,five\n", "line 2: amount \"five\" is not a number"),
        ("customer_id,date,amount\nc1,2024-01-01\n", "line 2: expected 3 columns, found 2"),
        ("", "the file is empty"),
        ("customer_id,date,amount\nc1,2024-01-01,-5\n", "line 2: amount -5 is negative"),
        ("customer_id,date,amount\nc1,0001-01-01,5\n", "line 2: date \"0001-01-01\" is outside 1900-2199"),
    ])
    func badFilesNameTheLineAndField(text: String, expected: String) {
        do {
            _ = try TransactionsCSV.read(Array(text.utf8))
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func isoDates() {
        func parse(_ text: String) -> Int64? { ISODateParser.epochSeconds(Array(text.utf8)[...]) }
        #expect(parse("1970-01-01") == 0)
        #expect(parse("2000-02-29T00:00:01") == 951_782_401)
        #expect(parse("2000-02-29 00:00:01.250Z") == 951_782_401)
        #expect(parse("2000-02-29T02:00:01+02:00") == 951_782_401)
        #expect(parse("2000-02-29T02:00:01+0200") == 951_782_401)
        #expect(parse("2001-02-29") == nil)
        #expect(parse("2000-13-01") == nil)
        #expect(parse("2000-01-01T25:00") == nil)
        #expect(parse("2000-01-01X") == nil)
        #expect(CivilCalendar.parseDay("2024-03-01") == CivilCalendar.day(year: 2024, month: 3, day: 1))
        #expect(CivilCalendar.parseDay("2024-3-1") == nil)
    }

    @Test func onlineRetailRowsBecomeCleanedInvoices() throws {
        let text = """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            536365,85123A,LANTERN,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
            536365,71053,LANTERN,6,2010-12-01 08:25:00,3.39,17850.0,United Kingdom
            C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
            536380,22961,JAM,0,2010-12-01 09:41:00,1.45,14527.0,United Kingdom
            536381,22139,RETROSPOT,2,2010-12-01 09:41:00,4.25,,United Kingdom
            536382,22139,RETROSPOT,2,2010-12-02 10:00:00,4.25,14527.0,United Kingdom

            """
        let (snapshot, counts) = try OnlineRetailTransactions.read(Array(text.utf8))
        #expect(counts == OnlineRetailTransactions.Counts(rows: 6, keptRows: 3, orders: 2))
        #expect(snapshot.customerKeys == ["17850", "14527"])
        #expect(snapshot.orderAmounts == [35.64, 8.5])
        let december1 = CivilCalendar.day(year: 2010, month: 12, day: 1) * 86_400
        #expect(snapshot.orderTimes[0] == december1 + 8 * 3_600 + 25 * 60)
    }
}
