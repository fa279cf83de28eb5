import Foundation
import Hummingbird
import NIOCore
import PatronCore
import PatronStore
import Prometheus

/// Health, readiness, metrics and the OpenAPI document.
struct OperationsController: Sendable {
    let database: Database
    let metrics: PrometheusCollectorRegistry?

    func add(to router: Router<PatronRequestContext>) {
        router.get("healthz") { _, _ in Response.json(["status": "ok"]) }
        router.get("readyz") { _, _ in
            do {
                try await database.ping()
                return Response.json(["status": "ready", "database": .string(database.kind.rawValue)])
            } catch {
                return Problem(status: .serviceUnavailable, title: "Not ready", detail: "the database does not answer").response
            }
        }
        router.get("metrics") { _, _ in
            var bytes: [UInt8] = []
            metrics?.emit(into: &bytes)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("api/v1/openapi.json") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
                let data = try? Data(contentsOf: url)
            else {
                throw Problem.notFound("the OpenAPI document is missing from this build")
            }
            return Response.json(bytes: Array(data), status: .ok)
        }
    }
}
