/// `decode --force TEXT --layers a:b`: the teacher-forced decoder in pieces, so the shell can patch
/// decoder activations as it patches the encoder's (`encode --layers`, EncodeStage.swift):
///
/// - input: tensor `decoder_resid` [S, C] when the document has one — its `layers_done` must equal
///   `a` — else the decoder input of `[decoder_start_token_id] + ids[:-1]` (then `a` must be 0);
///   `encoder_output` always (every layer's encoder–decoder attention reads it);
/// - output: when `b` is the last layer, the final norm (pre-norm), the output layer and
///   `target.forced`, as `decode --force` writes them; else `decoder_resid` with `"layers_done": b`,
///   `encoder_output` kept whatever `--keep` says (the next piece needs it);
/// - an incoming `decoder_resid` is always consumed.
///
/// Running `:k` then `k:` gives byte for byte what `decode --force` gives (Decoder.forward(resid:…)).
extension DecodeStage {
    public static let residName = "decoder_resid"
    static let scoredAfter = "scored as target.forced"

    /// A document holding a partial decoder run must be continued with `--force … --layers` (as
    /// `encode` refuses an `encoder_resid` without `--layers`): recomputing from the start would
    /// silently drop the edited stream.
    func refusePartialRun(_ doc: Document) throws {
        guard layers == nil, let resid = doc.tensors[DecodeStage.residName] else { return }
        let done = resid.extra[EncodeStage.layersDoneKey]?.intValue.map(String.init) ?? "?"
        throw VamosError("the document holds a partial decoder run ('\(DecodeStage.residName)' after \(done) layer(s)); continue it with decode --force TEXT --layers \(done):")
    }

    /// The steps when this piece ends the stack; nil when it wrote `decoder_resid` instead.
    func forcedLayers(_ doc: inout Document, memory: [Float], slice: LayerSlice, trace: Trace?) throws -> [ForcedStep]? {
        let L = decoder.layers.count, c = context.model.config, ids = force!
        let range = try slice.resolve(count: L, stack: "decoder", after: DecodeStage.scoredAfter)
        let inputs = [c.decoderStartTokenID] + ids.dropLast()
        let key = EncodeStage.layersDoneKey, name = DecodeStage.residName
        var state = decoder.start(memory: memory)
        let x: [Float]
        if let resid = doc.tensors[name] {
            guard let done = resid.extra[key]?.intValue else {
                throw VamosError("tensor '\(name)' needs an integer '\(key)' (how many decoder layers it has passed)")
            }
            guard done == range.lowerBound else {
                throw VamosError("tensor '\(name)' has passed \(done) decoder layer(s), but --layers \(slice) starts at layer \(range.lowerBound); use --layers \(done):")
            }
            let t = try context.sequenceTensor(doc, name, producer: "decode --force --layers")
            guard t.shape[0] == inputs.count else {
                throw VamosError("tensor '\(name)' has \(t.shape[0]) positions; --force gives \(inputs.count) (the start token and the forced ids but the last): force the same text in every piece")
            }
            x = t.data
        } else {
            guard range.lowerBound == 0 else {
                throw VamosError("no tensor '\(name)'; --layers \(slice) continues a partial run: run decode --force … --layers :\(range.lowerBound) first")
            }
            x = try decoder.input(inputs, start: 0, trace: trace)
        }
        // The caches of layers before `a` are never read: each layer's keys come from its own input.
        let h = decoder.forward(resid: x, layers: range, state: &state, trace: trace)
        doc.tensors[name] = nil
        guard range.upperBound == L else {
            // No scores yet: what an earlier full run wrote into `target` would be stale.
            var target = doc.side("target")
            for k in DecodeStage.writtenKeys { target[k] = nil }
            if doc.fields["target"] != nil { doc.setSide("target", target) }
            var r = Tensor(shape: [inputs.count, c.dModel], data: h, axes: Axes.targetRows)
            r.extra[key] = .int(range.upperBound)
            doc.tensors[name] = r
            for (n, tensor) in trace?.tensors ?? [] { doc.tensors[n] = tensor }
            return nil
        }
        return forcedScores(hidden: h, output: output, config: c, ids: ids, processors: processors, topK: topK)
    }
}
