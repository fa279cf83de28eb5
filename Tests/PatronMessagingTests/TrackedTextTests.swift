import Testing

@testable import PatronMessaging

@Suite struct TrackedTextTests {
    @Test func urlsInTextsBecomeTrackedKeepingPunctuation() {
        let text = "Acme: your cart https://shop.example/cart?id=1. Reply STOP. Also http://a.example/x)"
        let out = TrackedText.rewrite(text) { "<\($0)>" }
        #expect(out == "Acme: your cart <https://shop.example/cart?id=1>. Reply STOP. Also <http://a.example/x>)")
        #expect(TrackedText.rewrite("no links, just httpd") { _ in "X" } == "no links, just httpd")
    }
}
