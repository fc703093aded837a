/// The six stages in one process, for whole-sentence uses (evaluation, tests): the same layers,
/// built once, in the same order the pipeline runs them.
public struct Translator {
    public let model: Model
    let context: StageContext
    let tokenize: TokenizeStage
    let detokenize: DetokenizeStage
    public let embedding: Embedding
    public let positions: PositionalEncoding
    public let encoder: Encoder
    public let decoder: Decoder
    public let output: OutputProjection

    public init(model: Model) throws {
        self.model = model
        context = StageContext(stage: "translate", model: model) { _ in }
        tokenize = TokenizeStage(context: context)
        detokenize = DetokenizeStage(context: context)
        embedding = try model.sourceEmbedding()
        positions = try model.positionalEncoding("encoder")
        encoder = try model.encoder()
        decoder = try model.decoder()
        output = try model.outputProjection()
    }

    /// tokenize: text → source ids.
    public func sourceIDs(_ text: String) throws -> [Int] {
        try tokenize.run(text: text).0.ids("source", producer: "tokenize", stage: "translate")
    }

    /// embed, posenc, encode: ids → encoder output [T, C].
    public func encode(_ ids: [Int]) throws -> [Float] {
        encoder.forward(try positions.forward(try embedding.forward(ids)))
    }

    /// decode (greedy), at most `maxLength` ids (default: the config's).
    public func decode(_ memory: [Float], maxLength: Int? = nil) throws -> [DecodeStep] {
        let c = model.config
        return try greedyDecode(decoder: decoder, output: output, memory: memory, config: c,
                                maxLength: maxLength ?? min(max(1, c.maxLength - 1), c.maxPositionEmbeddings))
    }

    /// detokenize: target ids → text.
    public func text(_ ids: [Int]) throws -> String {
        var doc = Document(stage: "translate")
        doc.setSide("target", JSONObject([("ids", .array(ids.map { .int($0) }))]))
        return try detokenize.text(doc)
    }

    /// All six: text → text.
    public func translate(_ text: String) throws -> String {
        try self.text(try decode(try encode(try sourceIDs(text))).map(\.id))
    }
}
