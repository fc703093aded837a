/// How much one document may claim, checked while it is read (docs/FORMAT.md §10): a document
/// larger, a tensor with more values, or nesting deeper than this is refused with an error
/// naming the limit and the option that raises it, before more memory is spent.
public struct ReadLimits: Sendable, Equatable {
    /// Bytes of one document (default 1 GiB): `--max-document-bytes`.
    public var maxDocumentBytes: UInt64
    /// Values of one tensor (default 2^28, 1 GiB of float32): `--max-tensor-elements`.
    public var maxTensorElements: UInt64
    /// Objects and arrays inside each other (default 32, as json-c).
    public var maxDepth: Int

    public init(maxDocumentBytes: UInt64 = 1 << 30, maxTensorElements: UInt64 = 1 << 28, maxDepth: Int = 32) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxTensorElements = maxTensorElements
        self.maxDepth = maxDepth
    }

    /// What every reader uses unless told otherwise; the executables set it from their options.
    nonisolated(unsafe) public static var current = ReadLimits()
}
