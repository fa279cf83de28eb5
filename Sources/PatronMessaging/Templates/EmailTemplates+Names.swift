extension EmailTemplates {
    /// Message templates: those with a subject, an HTML and a text part.
    public var messageTemplateNames: Set<String> {
        Set(names.filter { $0.hasSuffix(".html") }.map { String($0.dropLast(5)) })
            .filter { names.contains("\($0).subject") && names.contains("\($0).txt") }
    }

    /// Templates that have a text-message variant (`NAME.sms`).
    public var textTemplateNames: Set<String> {
        Set(names.filter { $0.hasSuffix(".sms") }.map { String($0.dropLast(4)) })
    }

    /// What flow documents may name: email templates as `NAME`, text templates as `NAME.sms`.
    public var flowTemplateNames: Set<String> {
        messageTemplateNames.union(textTemplateNames.map { "\($0).sms" })
    }
}
