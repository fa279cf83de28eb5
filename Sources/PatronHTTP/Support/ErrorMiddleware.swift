import Foundation
import Hummingbird
import Logging
import NIOCore
import PatronCore

/// Turns every error into a problem+json response. Bad input is always a 4xx; anything unexpected is
/// logged (without request bodies, which may hold personal data) and answered with a 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response
        } catch let failure as ValidationFailure {
            return Problem.validation(failure).response
        } catch let error as HTTPError {
            let detail =
                error.body
                ?? (error.status == .notFound ? "no route for \(request.method) \(request.uri.path)" : "request failed")
            return Problem(status: error.status, title: error.status.reasonPhrase, detail: detail).response
        } catch is NIOTooManyBytesError {
            return Problem(status: .contentTooLarge, title: "Body too large", detail: "the request body is too large").response
        } catch let error as any HTTPResponseError {
            return Problem(status: error.status, title: error.status.reasonPhrase, detail: "request failed").response
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: type(of: error))): \(error)"])
            return Problem(
                status: .internalServerError, title: "Internal error", detail: "the server could not complete the request"
            ).response
        }
    }
}
