import Foundation
import XCTest
@testable import VamosCore

/// opus-mt-style checkpoints against transformers: Tests/Reference/make_opus_fixtures.py trains tiny
/// Marian models with real SentencePiece models, saves them with `save_pretrained`, and records what
/// `MarianTokenizer` and `MarianMTModel.generate` compute. Ids and texts must be identical, tensors
/// within `opusTolerance`.
final class OpusReferenceTests: XCTestCase {
    static let models = ["opus-en-es", "opus-en-es-separate", "opus-en-es-f16", "opus-en-es-bf16"]
    /// |vamos − torch| ≤ opusTolerance · max(1, |torch|).
    static let opusTolerance: Float = 1e-4

    func fixture(_ name: String) throws -> JSONObject {
        var bytes = try XCTUnwrap(readFile(Repo.path("Tests/Fixtures/reference/\(name).json")), name)
        return try XCTUnwrap(try JSONCodec.parse(bytes: &bytes, what: name).objectValue)
    }

    func ints(_ json: JSON?) -> [Int] { json?.arrayValue?.compactMap(\.intValue) ?? [] }

    /// The largest |a − b| / max(1, |b|).
    func worst(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    // MARK: tokenizer

    /// tokenize's ids are MarianTokenizer's on 1201 sentences (punctuation, digits, accents, unknown
    /// words and characters, odd spacing, language codes, special tokens written out), both vocabularies.
    func testTokenizerIdsMatchMarianTokenizer() throws {
        let fx = try fixture("opus-tokenizer")
        let sentences = try XCTUnwrap(fx["sentences"]?.arrayValue).map { $0.stringValue! }
        XCTAssertGreaterThanOrEqual(sentences.count, 1000)
        for name in ["opus-en-es", "opus-en-es-separate"] {
            let model = try Model(directory: Repo.fixtureModel(name))
            let tokenizer = try XCTUnwrap(model.tokenizer)
            let expected = try XCTUnwrap(fx["models"]?.objectValue?[name]?.objectValue?["ids"]?.arrayValue)
            var agree = 0
            for (text, ids) in zip(sentences, expected) {
                let ours = try tokenizer.encode(text).ids
                if ours == ints(ids) { agree += 1 } else { XCTFail("\(name) \(text.debugDescription): \(ours) vs \(ints(ids))") }
            }
            XCTAssertEqual(agree, sentences.count, "\(name): ids agree on \(agree) of \(sentences.count)")
        }
    }

    /// detokenize's text is `MarianTokenizer.decode(ids, skip_special_tokens=True)` on 1100 id lists
    /// per model (target-side tokenizations of Spanish sentences, and random ids with special ones mixed in).
    func testDetokenizeMatchesMarianTokenizerDecode() throws {
        let fx = try fixture("opus-tokenizer")
        for name in ["opus-en-es", "opus-en-es-separate"] {
            let model = try Model(directory: Repo.fixtureModel(name))
            let context = StageContext(stage: "test", model: model) { _ in }
            let stage = DetokenizeStage(context: context)
            let cases = try XCTUnwrap(fx["models"]?.objectValue?[name]?.objectValue?["decode"]?.arrayValue)
            XCTAssertGreaterThanOrEqual(cases.count, 1000)
            var agree = 0
            for c in cases {
                let ids = ints(c.objectValue?["ids"])
                var doc = Document(stage: "decode")
                doc.setSide("target", JSONObject([("ids", .array(ids.map { .int($0) }))]))
                let text = try stage.text(doc)
                let expected = c.objectValue!["text"]!.stringValue!
                if Array(text.utf8) == Array(expected.utf8) { agree += 1 } else {
                    XCTFail("\(name) \(ids): \(text.debugDescription) vs \(expected.debugDescription)")
                }
            }
            XCTAssertEqual(agree, cases.count, "\(name): texts agree on \(agree) of \(cases.count)")
        }
    }

    func testLanguageCodesAndSpecialTokensSplitAsMarianTokenizerDoes() throws {
        XCTAssertEqual(MarianTokenizer.languageCode(">>fra<< Hello").code, ">>fra<<")
        XCTAssertEqual(MarianTokenizer.languageCode(">>fra<< Hello").rest, " Hello")
        XCTAssertNil(MarianTokenizer.languageCode(" >>fra<< Hello").code)
        XCTAssertNil(MarianTokenizer.languageCode(">>fra Hello").code)
        XCTAssertEqual(MarianTokenizer.languageCode(">><<x").code, ">><<")
        let model = try Model(directory: Repo.fixtureModel("opus-en-es"))
        let t = try XCTUnwrap(model.tokenizer)
        let e = try t.encode(">>spa<< the cat </s> x")
        XCTAssertEqual(e.ids.first, model.sourceVocabulary.id(of: ">>spa<<"))
        XCTAssertEqual(e.ids.filter { $0 == 0 }.count, 2, "the written </s> stays one token, and one is appended")
        XCTAssertEqual(try t.encode(">>xyz<< cat").ids.first, t.unknownID, "an unknown language code is <unk>")
        XCTAssertEqual(MarianTokenizer.pythonStrip("\u{3000} a b\u{a0}\t"), "a b")
    }

    // MARK: the forward pass and generate()

    /// Per sentence: ids and tokens, encoder output, first-step logits, and every generate() setting
    /// recorded (greedy, generation_config.json's beams, other beam widths, length penalties,
    /// early_stopping true / "never", max_new_tokens with forced eos, no_repeat_ngram_size).
    func testForwardPassAndGenerationMatchTransformers() throws {
        var report: [String] = []
        for name in Self.models {
            let fx = try fixture(name)
            let model = try Model(directory: Repo.fixtureModel(name))
            let context = StageContext(stage: "test", model: model) { _ in }
            let tokenize = TokenizeStage(context: context)
            let embedding = try model.sourceEmbedding()
            let positions = try model.positionalEncoding("encoder")
            let encoder = try model.encoder()
            let decoder = try model.decoder()
            let output = try model.outputProjection()
            let detokenize = DetokenizeStage(context: context)
            let cases = try XCTUnwrap(fx["cases"]?.arrayValue).map { $0.objectValue! }
            var maxEncoder: Float = 0, maxLogits: Float = 0, maxScore: Float = 0
            var searches = 0, greedyBeamDiffer = 0
            for c in cases {
                let text = c["text"]!.stringValue!
                let what = "\(name) \(text.debugDescription)"
                let (doc, _) = try tokenize.run(text: text)
                let ids = try doc.ids("source", producer: "tokenize", stage: "test")
                XCTAssertEqual(ids, ints(c["source_ids"]), "\(what): ids")
                XCTAssertEqual(doc.side("source")["tokens"]?.arrayValue?.compactMap(\.stringValue),
                               c["source_tokens"]?.arrayValue?.compactMap(\.stringValue), "\(what): tokens")
                let memory = encoder.forward(try positions.forward(try embedding.forward(ids)))
                let encoderDiff = worst(memory, try Tensor(json: c["encoder_output"]!, what: "encoder_output").data)
                XCTAssertLessThanOrEqual(encoderDiff, Self.opusTolerance, "\(what): encoder output")
                maxEncoder = max(maxEncoder, encoderDiff)
                var state = decoder.start(memory: memory)
                let first = output.forward(try decoder.forward([model.config.decoderStartTokenID], state: &state))
                let logitsDiff = worst(first, try Tensor(json: c["decoder_first_logits"]!, what: "logits").data)
                XCTAssertLessThanOrEqual(logitsDiff, Self.opusTolerance, "\(what): first-step logits")
                maxLogits = max(maxLogits, logitsDiff)

                var encoded = doc
                encoded.tensors["encoder_output"] = Tensor(shape: [ids.count, model.config.dModel], data: memory)
                let generated = try XCTUnwrap(c["generate"]?.objectValue)
                for (variant, entry) in generated.pairs {
                    let e = entry.objectValue!
                    let o = e["options"]!.objectValue!
                    var early: GenerationConfig.EarlyStopping?
                    switch o["early_stopping"] {
                    case .bool(let b)?: early = b ? .whenDone : .heuristic
                    case .string("never")?: early = .never
                    default: early = nil
                    }
                    let stage = try DecodeStage(
                        context: context, maxLength: o["max_new_tokens"]?.intValue, beams: o["num_beams"]?.intValue,
                        lengthPenalty: o["length_penalty"]?.doubleValue, earlyStopping: early,
                        noRepeatNgramSize: o["no_repeat_ngram_size"]?.intValue)
                    var d = encoded
                    try stage.run(&d)
                    let ours = ints(d.side("target")["ids"])
                    XCTAssertEqual(ours, ints(e["ids"]), "\(what): \(variant) ids")
                    XCTAssertEqual(try detokenize.text(d), e["text"]!.stringValue!, "\(what): \(variant) text")
                    if let score = e["score"]?.doubleValue, let s = d.side("target")["score"]?.doubleValue {
                        let diff = Float(abs(s - score) / max(1, abs(score)))
                        XCTAssertLessThanOrEqual(diff, Self.opusTolerance, "\(what): \(variant) score \(s) vs \(score)")
                        maxScore = max(maxScore, diff)
                    } else if e["score"] != nil {
                        XCTFail("\(what): \(variant): no target.score")
                    }
                    searches += 1
                }
                if ints(generated["greedy"]?.objectValue?["ids"]) != ints(generated["beam"]?.objectValue?["ids"]) {
                    greedyBeamDiffer += 1
                }
            }
            XCTAssertGreaterThanOrEqual(greedyBeamDiffer, 2, "\(name): the fixture must have sentences where beam search and greedy disagree")
            report.append("\(name): \(cases.count) sentences, \(searches) searches identical, greedy ≠ beam on \(greedyBeamDiffer); max rel. diff encoder \(maxEncoder), logits \(maxLogits), beam score \(maxScore)")
        }
        print(report.joined(separator: "\n"))
    }

    /// The Marian options are read from config.json, not assumed.
    func testMarianOptionsComeFromConfig() throws {
        let shared = try Model(directory: Repo.fixtureModel("opus-en-es"))
        let separate = try Model(directory: Repo.fixtureModel("opus-en-es-separate"))
        XCTAssertEqual(shared.config.activation, .swish)
        XCTAssertTrue(shared.config.scaleEmbedding)
        XCTAssertTrue(shared.config.shareEncoderDecoderEmbeddings)
        XCTAssertEqual(shared.config.decoderStartTokenID, shared.config.padTokenID)
        XCTAssertFalse(shared.tokenizer!.separateVocabularies)
        XCTAssertEqual(shared.generation.numBeams, 4)
        XCTAssertEqual(shared.generation.maxLength, 512)
        XCTAssertEqual(shared.generation.badWordsIDs, [[shared.config.padTokenID!]])
        XCTAssertEqual(shared.generation.forcedEOSTokenID, 0)
        XCTAssertEqual(separate.config.activation, .relu)
        XCTAssertFalse(separate.config.scaleEmbedding)
        XCTAssertFalse(separate.config.shareEncoderDecoderEmbeddings)
        XCTAssertNotEqual(separate.config.vocabSize, separate.config.decoderVocabSize)
        XCTAssertTrue(separate.tokenizer!.separateVocabularies)
        XCTAssertEqual(separate.generation.numBeams, 6)
        XCTAssertNotEqual(separate.sourceVocabulary.count, separate.targetVocabulary.count)

        // Flipping scale_embedding in config.json changes the embeddings by exactly √d_model.
        let dir = try makeTemporaryDirectory(self)
        for f in try FileManager.default.contentsOfDirectory(atPath: Repo.fixtureModel("opus-en-es")) {
            try FileManager.default.copyItem(atPath: Repo.fixtureModel("opus-en-es") + "/" + f, toPath: dir + "/" + f)
        }
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"scale_embedding\": true", with: "\"scale_embedding\": false")
            .write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        let unscaled = try Model(directory: dir)
        XCTAssertFalse(unscaled.config.scaleEmbedding)
        let a = try shared.sourceEmbedding().forward([5]), b = try unscaled.sourceEmbedding().forward([5])
        let scale = Float(Double(shared.config.dModel).squareRoot())
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y * scale) }
    }

    /// Beam search with a width of 1 is greedy search.
    func testOneBeamIsGreedy() throws {
        let model = try Model(directory: Repo.fixtureModel("opus-en-es-separate"))
        let decoder = try model.decoder(), output = try model.outputProjection()
        let c = try fixture("opus-en-es-separate")["cases"]!.arrayValue![3].objectValue!
        let memory = try Tensor(json: c["encoder_output"]!, what: "encoder_output").data
        let processors = LogitsProcessors(model.generation, eosID: 0, maxGenerated: 40)
        let greedy = try greedyDecode(decoder: decoder, output: output, memory: memory, config: model.config,
                                      maxLength: 40, processors: processors).map(\.id)
        let beam = try BeamSearch(beams: 1, maxLength: 40, lengthPenalty: 1, earlyStopping: .heuristic, processors: processors)
            .run(decoder: decoder, output: output, memory: memory, startID: model.config.decoderStartTokenID, eosID: 0)
        XCTAssertEqual(beam[0].ids, greedy)
    }

    func testLogitsProcessors() {
        var g = GenerationConfig()
        g.badWordsIDs = [[3], [0], [1, 2]]
        g.noRepeatNgramSize = 2
        g.forcedEOSTokenID = 0
        g.minLength = 3
        let p = LogitsProcessors(g, eosID: 0, maxGenerated: 5)
        var s = [Float](repeating: 1, count: 6)
        p.apply(&s, inputIDs: [5, 1])               // bigram (5,1) seen? no; [1,2] bans 2; 3 banned; eos < min_length
        XCTAssertEqual(s, [-.infinity, 1, -.infinity, -.infinity, 1, 1])
        s = [Float](repeating: 1, count: 6)
        p.apply(&s, inputIDs: [5, 1, 5])            // 2-gram (5, 1) seen → 1 banned
        XCTAssertEqual(s, [1, -.infinity, 1, -.infinity, 1, 1])
        s = [Float](repeating: 1, count: 6)
        p.apply(&s, inputIDs: [5, 4, 4, 4, 4])      // cur_len = max_length − 1 → only eos
        XCTAssertEqual(s, [0, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity])
    }
}
