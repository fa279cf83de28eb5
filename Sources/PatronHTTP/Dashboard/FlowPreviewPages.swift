import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// A flow message previewed for a chosen customer, and sent once as a test to an address the user gives.
extension DashboardController {
    func flowPreviewBody(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        guard let templates = emailTemplates else { throw Problem.notFound("templates failed to load") }
        let query = request.uri.queryParameters
        do {
            let preview = try await FlowPreviewMessage.build(
                flow: context.parameters.get("name") ?? "", step: query["step"].flatMap { Int64($0) },
                customer: query["customer"].flatMap { Int64($0) }, store: session.storeID, database: database)
            return try await renderedFrame(preview.message, templates: templates)
        } catch let problem as Problem {
            var response = DashboardView.html(
                "<!doctype html><meta charset=\"utf-8\"><p>Nothing to preview: \(LinkPages.escape(problem.detail))</p>")
            response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'self'; sandbox"
            return response
        }
    }

    /// Composes the flow's first send step (or `step`) for the sample customer and hands it to the store's
    /// relay at once, addressed to the given e-mail, with "[Test]" before the subject.
    func sendFlowTest(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let name = context.parameters.get("name") ?? ""
        let address = (context.form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard EmailAddress.isValid(address) else {
            return try await flow(
                request, context, error: "Test e-mail: expected an e-mail address such as you@example.com.",
                status: .unprocessableContent)
        }
        guard let templates = emailTemplates else { throw Problem.notFound("templates failed to load") }
        let preview: FlowPreviewMessage
        do {
            preview = try await FlowPreviewMessage.build(
                flow: name, step: context.form["step"].flatMap { Int64($0) },
                customer: context.form["customer"].flatMap { Int64($0) }, store: session.storeID, database: database)
        } catch let problem as Problem {
            return try await flow(request, context, error: "Test: \(problem.detail)", status: .unprocessableContent)
        }
        let composer = MessageComposer(database: database, templates: templates)
        guard
            case .ready(var email, let relayURL, let signer) = try await composer.compose(
                preview.message, now: clock(), applyGuardrails: false)
        else {
            return try await flow(
                request, context, error: "Test: only e-mail steps can be sent as a test; SMS previews show above.",
                status: .unprocessableContent)
        }
        email.to = Mailbox(address: address)
        email.subject = "[Test] " + email.subject
        email.messageId = "test-\(KeyGenerator.random(bytes: 12))@patron.invalid"
        if let failure = try await sendNow(email, relayURL: relayURL, signer: signer) {
            return try await flow(request, context, error: "Test: \(failure)", status: .badGateway)
        }
        return DashboardView.redirect("/app/flows/\(name)?notice=test-sent")
    }

    /// Sends one e-mail through the store's relay (or the server's default); the failure text, or nil.
    func sendNow(_ email: EmailMessage, relayURL: String?, signer: DKIMSigner?) async throws -> String? {
        guard let relay = try relayURL.map({ try SMTPRelay(url: $0) }) ?? defaultRelay else {
            return "no SMTP relay is set up: add one under Settings › Channels or start Patron with PATRON_SMTP_URL"
        }
        let mailer = SMTPMailer(relay: relay)
        do {
            _ = try await mailer.send(email, signer: signer)
            await mailer.close()
            return nil
        } catch {
            await mailer.close()
            return "the relay \(relay.description) refused or could not be reached: \(error)"
        }
    }
}
