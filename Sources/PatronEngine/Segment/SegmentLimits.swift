/// Segment's HTTP Tracking API size limits; larger requests get `400 Bad Request`.
public enum SegmentLimits {
    /// One message (a single call, or one item of a batch), serialised.
    public static let maxMessageBytes = 32 * 1024
    /// A whole `/v1/batch` request body.
    public static let maxBatchBytes = 500 * 1024
}
