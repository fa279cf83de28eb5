extension EmailTemplates {
    /// Message templates: those with a subject, an HTML and a text part.
    public var messageTemplateNames: Set<String> {
        Set(names.filter { $0.hasSuffix(".html") }.map { String($0.dropLast(5)) })
            .filter { names.contains("\($0).subject") && names.contains("\($0).txt") }
    }
}
