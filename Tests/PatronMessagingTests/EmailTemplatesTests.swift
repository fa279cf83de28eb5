import PatronCore
import Testing

@testable import PatronMessaging

@Suite struct EmailTemplatesTests {
    let scope: JSONValue = [
        "store": ["name": "Acme <Coffee>", "color": "#1f6f5c"],
        "customer": ["firstName": "Jane", "email": "jane@example.com"],
        "purpose": ["transactional": true],
        "order": [
            "number": "#1001", "placedAt": "22 November 2026", "hasItems": true,
            "items": [["title": "Kettle <b>bold</b>", "quantity": 2, "unitPrice": "€10.00", "lineTotal": "€20.00"]],
            "subtotal": "€20.00", "shipping": "Free", "total": "€20.00",
            "shippingAddress": ["lines": ["Jane Doe", "1 Rue X"]],
        ],
    ]

    @Test func builtInThankYouRendersEveryPartAndEscapesHTMLOnly() throws {
        let email = try EmailTemplates.builtIn().render("order-thank-you", scope: scope)
        #expect(email.subject == "Thank you for your order #1001, Jane")
        #expect(email.html.contains("Kettle &lt;b&gt;bold&lt;/b&gt;"))
        #expect(email.html.contains("Acme &lt;Coffee&gt;"))
        #expect(!email.html.contains("<b>bold"))
        #expect(email.text.contains("2 x Kettle <b>bold</b>  €20.00"))
        #expect(email.text.contains("Total: €20.00"))
        #expect(email.text.contains("Jane Doe\n1 Rue X"))
        #expect(!email.text.contains("\n\n\n"))
    }

    @Test func shippingUpdateUsesTheMilestoneHeadline() throws {
        var object = scope.objectValue!
        object["shipment"] = [
            "headline": "Your order is on its way", "message": "good news.", "carrier": "UPS",
            "trackingUrl": "https://track.example/1Z",
        ]
        let email = try EmailTemplates.builtIn().render("shipping-update", scope: .object(object))
        #expect(email.subject == "Your order is on its way (#1001)")
        #expect(email.html.contains("href=\"https://track.example/1Z\""))
        #expect(email.text.contains("Track your package: https://track.example/1Z"))
    }

    @Test func subjectsAreOneLineWhateverTheValues() throws {
        let templates = try EmailTemplates(templates: [
            "t.subject": "{{% CONTENT_TYPE: TEXT}}Hi {{name}}", "t.html": "<p>{{name}}</p>", "t.txt": "{{name}}",
        ])
        let email = try templates.render("t", scope: ["name": "Eve\r\nBcc: victim@example.com"])
        #expect(email.subject == "Hi Eve Bcc: victim@example.com")
        #expect(throws: EmailTemplates.TemplateError.self) { try templates.render("missing", scope: [:]) }
    }
}
