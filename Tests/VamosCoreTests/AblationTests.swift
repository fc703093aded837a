import XCTest
@testable import VamosCore

/// Head ablation against an independent construction of the same thing: zeroing head h's output
/// z_h before the output projection is the same as zeroing the columns h·D ..< (h+1)·D of the
/// projection's weight Wo. Both must give the same bytes, in every path (one sentence, a batch,
/// incremental decoding).
final class AblationTests: XCTestCase {
    /// `attention` with Wo's columns of `head` set to 0.
    func zeroingColumns(_ a: MultiHeadAttention<Linear>, head: Int) -> MultiHeadAttention<Linear> {
        let W = a.out.weight, D = a.headDim
        var data: [Float] = []
        for r in 0..<W.rows {
            var row = Array(W.row(r))
            for d in 0..<D { row[head * D + d] = 0 }
            data += row
        }
        let out = Linear(weight: WeightMatrix(data, rows: W.rows, cols: W.cols), bias: a.out.bias)
        return MultiHeadAttention(q: a.q, k: a.k, v: a.v, out: out, heads: a.heads, similarity: a.similarity)
    }

    func testAblatingAHeadIsZeroingItsColumnsOfTheOutputProjection() throws {
        let model = try Model(directory: Repo.fixtureModel("prenorm"))       // 3 heads, 2 + 1 layers
        let x = try model.positionalEncoding("encoder").forward(try model.sourceEmbedding().forward([3, 4, 5, 0]))
        let y = try model.positionalEncoding("encoder").forward(try model.sourceEmbedding().forward([6, 0]))

        let encoder = try model.encoder()
        let ablated = try encoder.ablating([HeadAddress(layer: 1, head: 2)])
        var reference = encoder
        reference.layers[1].selfAttention = zeroingColumns(encoder.layers[1].selfAttention, head: 2)
        let memory = ablated.forward(x)
        XCTAssertEqual(memory, reference.forward(x))
        XCTAssertNotEqual(memory, encoder.forward(x), "the head matters")
        XCTAssertEqual(ablated.forward(packed: x + y, lengths: [4, 2]), reference.forward(x) + reference.forward(y), "batched")

        let decoder = try model.decoder()
        for address in [HeadAddress(layer: 0, head: 1), HeadAddress(layer: 0, head: 0, cross: true)] {
            let d = try decoder.ablating([address])
            var r = decoder
            if address.cross { r.layers[0].crossAttention = zeroingColumns(decoder.layers[0].crossAttention, head: 0) }
            else { r.layers[0].selfAttention = zeroingColumns(decoder.layers[0].selfAttention, head: 1) }
            let ids = [model.config.decoderStartTokenID, 7, 8]
            var s1 = d.start(memory: memory), s2 = r.start(memory: memory), s3 = decoder.start(memory: memory)
            let whole = try d.forward(ids, state: &s1)
            XCTAssertEqual(whole, try r.forward(ids, state: &s2), "\(address)")
            XCTAssertNotEqual(whole, try decoder.forward(ids, state: &s3), "\(address): the head matters")
            // one position at a time, two sequences at once
            let steps = DecoderSteps(decoder: d)
            let slots = [steps.add(memory: memory, reserving: 1), steps.add(memory: memory, reserving: 1)]
            var rows: [Float] = []
            for id in ids { rows += UnsafeBufferPointer(start: try steps.step([id, id], slots: slots), count: model.config.dModel) }
            XCTAssertEqual(rows, whole, "\(address): incremental, batched")
        }
    }

    func testAddresses() throws {
        XCTAssertEqual(try HeadAddress(parsing: "1.2"), HeadAddress(layer: 1, head: 2))
        XCTAssertEqual(try HeadAddress(parsing: "cross:0.3"), HeadAddress(layer: 0, head: 3, cross: true))
        for bad in ["1", "1.2.3", "a.b", "-1.0", "cross:", "1.", ".1"] { XCTAssertThrowsError(try HeadAddress(parsing: bad), bad) }
        let model = try Model(directory: Repo.fixtureModel("prenorm"))
        XCTAssertThrowsError(try model.encoder().ablating([HeadAddress(layer: 2, head: 0)]))
        XCTAssertThrowsError(try model.encoder().ablating([HeadAddress(layer: 0, head: 3)]))
        XCTAssertThrowsError(try model.encoder().ablating([HeadAddress(layer: 0, head: 0, cross: true)]))
        XCTAssertThrowsError(try model.decoder().ablating([HeadAddress(layer: 1, head: 0, cross: true)]))
    }
}
