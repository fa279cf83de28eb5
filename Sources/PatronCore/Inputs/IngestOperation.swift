/// One change to a store's data, as every source (REST, Segment, Shopify, CSV, demo) expresses it.
/// The ingest pipeline applies a list of operations in one transaction.
public enum IngestOperation: Sendable, Hashable {
    case customer(CustomerInput)
    case product(ProductInput)
    case order(OrderInput)
    case orderStatus(OrderStatusUpdate)
    case refund(RefundInput)
    case shipment(ShipmentInput)
    case event(EventInput)
    /// Links an anonymous id to a customer and moves the anonymous activity onto the customer.
    case linkAnonymous(anonymousId: String, customer: CustomerRef)
    /// Erases a customer's personal data (orders keep amounts, detached from the person).
    case eraseCustomer(CustomerRef)
    /// Erases every customer of the store (Shopify `shop/redact`).
    case eraseStore
    /// Records a data request (Shopify `customers/data_request`) for the merchant to fulfil.
    case dataRequest(CustomerRef, requestId: String?)
}

extension IngestOperation {
    /// A problem that only shows once the operation is assembled: an order whose amounts add up beyond the
    /// accepted range. Sources check it per item, so one bad item does not cost the valid ones.
    public func assembledProblem(field: String) -> ValidationFailure? {
        if case .order(let order) = self, order.hasAmountOverflow {
            return ValidationFailure(field: field, message: "the order's amounts add up beyond the accepted range")
        }
        return nil
    }
}

extension Array where Element == IngestOperation {
    /// Throws the first `assembledProblem` of these operations.
    public func checkAssembled(field: String) throws(ValidationFailure) {
        for operation in self {
            if let problem = operation.assembledProblem(field: field) { throw problem }
        }
    }
}
