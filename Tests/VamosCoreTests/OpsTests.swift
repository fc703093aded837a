import XCTest
@testable import VamosCore

/// Each op against values worked by hand (the arithmetic is in the comments).
final class OpsTests: XCTestCase {
    func assertClose(_ a: [Float], _ b: [Double], tol: Float = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() {
            XCTAssertLessThanOrEqual(abs(x - Float(y)), tol, "index \(i): \(x) vs \(y)", file: file, line: line)
        }
    }

    func testSoftmax() {
        // e^1, e^2, e^3 = 2.71828, 7.38906, 20.08554; sum 30.19288
        var x: [Float] = [1, 2, 3, 1000, 1000, 1000]
        softmaxRows(&x, rows: 2, n: 3)
        assertClose(x, [0.0900305732, 0.2447284711, 0.6652409558, 1.0 / 3, 1.0 / 3, 1.0 / 3])
    }

    func testSoftmaxMaskedEntriesAreZero() {
        var x: [Float] = [0.5, attentionMaskValue, 0.5]
        softmaxRows(&x, rows: 1, n: 3)
        XCTAssertEqual(x, [0.5, 0, 0.5])
    }

    func testLayerNorm() {
        // mean 2.5, biased variance 1.25; (x − 2.5)/√1.25001 = ∓1.3416354, ∓0.4472118; then ·γ + β
        let ln = LayerNorm<Float>(gamma: [1, 1, 1, 2], beta: [0, 0, 0, 0.5], eps: 1e-5)
        assertClose(ln.forward([1, 2, 3, 4, 1, 2, 3, 4]),
                    [-1.3416354, -0.4472118, 0.4472118, 3.1832708, -1.3416354, -0.4472118, 0.4472118, 3.1832708])
    }

    /// The C layer norm (eight rows side by side, blocks of rows on the threads) gives, bit for bit,
    /// what the formula's one-row loop gives, forward and backward, in both types, on a shape whose
    /// row blocks are no multiple of 8 and whose width is odd.
    func testLayerNormIsTheOneRowLoopBitForBit() {
        func check<T: Scalar>(_: T.Type) {
            let rows = 203, C = 167  // 33,901 elements: split into 8 blocks of 26 rows (parallelBlockWork)
            var rng = SplitMix64(seed: 7)
            func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
            let x = (0..<rows * C).map { _ in T(uniform() * 6 - 3) }
            let dy = (0..<rows * C).map { _ in T(uniform() * 2 - 1) }
            let gamma = (0..<C).map { _ in T(uniform() + 0.5) }, beta = (0..<C).map { _ in T(uniform() - 0.5) }
            let eps = T(1e-5)
            // The reference: the formulas of LayerNorm.swift, one row at a time, in the stated order.
            var y = [T](repeating: 0, count: rows * C), xhat = y, dx = y, rstd = [T](repeating: 0, count: rows)
            var dGamma = [T](repeating: 0.25, count: C), dBeta = [T](repeating: -0.5, count: C)
            for r in 0..<rows {
                var mean: Double = 0, variance: Double = 0
                for j in 0..<C { mean += Double(x[r * C + j]) }
                mean /= Double(C)
                for j in 0..<C { let d = Double(x[r * C + j]) - mean; variance += d * d }
                variance /= Double(C)
                let inv = 1 / (variance + Double(eps)).squareRoot()
                rstd[r] = T(inv)
                for j in 0..<C {
                    xhat[r * C + j] = T((Double(x[r * C + j]) - mean) * inv)
                    y[r * C + j] = xhat[r * C + j] * gamma[j] + beta[j]
                }
                var mg: T = 0, mgx: T = 0
                for j in 0..<C { let g = dy[r * C + j] * gamma[j]; mg += g; mgx += g * xhat[r * C + j] }
                mg /= T(C); mgx /= T(C)
                for j in 0..<C { dx[r * C + j] = rstd[r] * (dy[r * C + j] * gamma[j] - mg - xhat[r * C + j] * mgx) }
            }
            for r in 0..<rows { for j in 0..<C { dGamma[j] += dy[r * C + j] * xhat[r * C + j]; dBeta[j] += dy[r * C + j] } }
            func bits(_ a: [T]) -> [String] { a.map { "\($0)" + ($0.sign == .minus ? "-" : "") } }
            let threadsBefore = Kernels.threads
            defer { Kernels.threads = threadsBefore }
            for threads in [1, 2, 3] {
                Kernels.threads = threads
                let f = layerNormForward(x, gamma: gamma, beta: beta, eps: eps)
                XCTAssertEqual(bits(f.y), bits(y), "\(T.self) y, \(threads) threads")
                XCTAssertEqual(bits(f.xhat), bits(xhat), "\(T.self) x̂")
                XCTAssertEqual(bits(f.rstd), bits(rstd), "\(T.self) rstd")
                var dG = [T](repeating: 0.25, count: C), dB = [T](repeating: -0.5, count: C)
                let d = layerNormBackward(dy: dy, xhat: f.xhat, rstd: f.rstd, gamma: gamma, dGamma: &dG, dBeta: &dB)
                XCTAssertEqual(bits(d), bits(dx), "\(T.self) dx")
                XCTAssertEqual(bits(dG), bits(dGamma), "\(T.self) dγ")
                XCTAssertEqual(bits(dB), bits(dBeta), "\(T.self) dβ")
            }
        }
        check(Float.self)
        check(Double.self)
    }

    /// relu(x) = x < 0 ? +0 : x and relu′: dy where x > 0 (NaN keeps dy), bit for bit, in both types,
    /// over a length that is not a multiple of any vector width.
    func testReluBitsInBothTypes() {
        let xs: [Float] = [1.5, -2, 0, -0.0, .nan, -.infinity, .infinity, -1e-45, 3, -3, 7]
        func check<T: Scalar>(_ x: [T]) {
            var y = x
            activate(&y, .relu)
            for (a, b) in zip(x, y) {
                let expected: T = a < 0 ? 0 : a
                XCTAssertTrue(b == expected && b.sign == expected.sign || (a.isNaN && b.isNaN), "relu(\(a)) = \(b)")
            }
            let dy = [T](repeating: -2.5, count: x.count)
            let dx = activationBackward(dy: dy, x: x, .relu)
            for (a, d) in zip(x, dx) {
                XCTAssertEqual(d, a <= 0 ? 0 : -2.5, "relu′ at \(a)")
                if a <= 0 { XCTAssertEqual(d.sign, .plus) }
            }
        }
        check(xs)
        check(xs.map(Double.init))
    }

    func testActivations() {
        var x: [Float] = [1, -1, 0]
        activate(&x, .relu); XCTAssertEqual(x, [1, 0, 0])
        x = [1]; activate(&x, .gelu); assertClose(x, [0.8413447461])        // Φ(1) = 0.8413447
        x = [1]; activate(&x, .swish); assertClose(x, [0.7310585786])       // σ(1)
        x = [1]; activate(&x, .silu); assertClose(x, [0.7310585786])
        x = [1]; activate(&x, .geluNew); assertClose(x, [0.8411919906])     // ½(1 + tanh(√(2/π)·1.044715))
    }

    func testLinear() {
        // W = [[1, 2], [3, 4], [5, 6]] ([out 3, in 2]); x = [1, -1]: x·Wᵀ = [-1, -1, -1]; + b
        let lin = Linear(weight: Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6]), bias: Tensor(shape: [3], data: [0.5, 0, -0.5]))
        XCTAssertEqual(lin.forward([1, -1, 2, 0]), [-0.5, -1, -1.5, 2.5, 6, 9.5])
    }

    func identity2() -> Linear { Linear(weight: Tensor(shape: [2, 2], data: [1, 0, 0, 1]), bias: nil) }

    func testAttentionTwoByTwoByHand() {
        // x = [[1, 0], [0, 1]], W_q = W_k = W_v = W_o = I, one head, D = 2:
        // scores = x·xᵀ/√2 = [[0.7071, 0], [0, 0.7071]]
        // softmax row 0 = [e^0.7071, 1]/(e^0.7071 + 1) = [0.6697615, 0.3302385]
        // z = pattern · v = pattern (v = I)
        let attn = MultiHeadAttention(q: identity2(), k: identity2(), v: identity2(), out: identity2(), heads: 1, similarity: .scaledDot)
        let trace = Trace()
        let out = attn.forward([1, 0, 0, 1], memory: [1, 0, 0, 1], causal: false, trace: TraceScope(trace, ""))
        assertClose(out, [0.6697615493, 0.3302384507, 0.3302384507, 0.6697615493])
        let scores = trace.tensors.first { $0.0 == "hook_attn_scores" }!.1
        XCTAssertEqual(scores.shape, [1, 2, 2])
        assertClose(scores.data, [0.7071067812, 0, 0, 0.7071067812])
    }

    func testDotAndCosineSimilarity() {
        // x = [[2, 0], [1, 1]]: dot scores = [[4, 2], [2, 2]]; cosine = [[1, 0.7071], [0.7071, 1]]
        for (sim, expected) in [(ModelConfig.Similarity.dot, [4.0, 2, 2, 2]), (.cosine, [1, 0.7071067812, 0.7071067812, 1])] {
            let attn = MultiHeadAttention(q: identity2(), k: identity2(), v: identity2(), out: identity2(), heads: 1, similarity: sim)
            let trace = Trace()
            _ = attn.forward([2, 0, 1, 1], memory: [2, 0, 1, 1], causal: false, trace: TraceScope(trace, ""))
            assertClose(trace.tensors.first { $0.0 == "hook_attn_scores" }!.1.data, expected)
        }
    }

    func testSubsequentMask() {
        // Masked self-attention: query 0 sees only key 0 → z_0 = v_0 = [1, 0];
        // query 1 sees keys 0 and 1 as in the unmasked case → [0.3302385, 0.6697615].
        let attn = MultiHeadAttention(q: identity2(), k: identity2(), v: identity2(), out: identity2(), heads: 1, similarity: .scaledDot)
        let trace = Trace()
        let out = attn.forward([1, 0, 0, 1], memory: [1, 0, 0, 1], causal: true, trace: TraceScope(trace, ""))
        assertClose(out, [1, 0, 0.3302384507, 0.6697615493])
        let pattern = trace.tensors.first { $0.0 == "hook_pattern" }!.1
        XCTAssertEqual(pattern.data[1], 0, "a future position gets exactly zero weight")
        XCTAssertEqual(trace.tensors.first { $0.0 == "hook_attn_scores" }!.1.data[1], attentionMaskValue)
    }

    func testSubsequentMaskShapes() {
        // With a cache: 2 new queries over 3 keys sit at positions 1 and 2.
        XCTAssertEqual(subsequentMask(queries: 2, keys: 3), [true, true, false, true, true, true])
        XCTAssertEqual(subsequentMask(queries: 3, keys: 3), [true, false, false, true, true, false, true, true, true])
        // More queries than keys (no valid causal layout): the early rows see nothing, no crash.
        XCTAssertEqual(subsequentMask(queries: 3, keys: 2), [false, false, true, false, true, true])
    }

    func testMultiHeadSplitsTheWidth() {
        // Two heads of width 1 on C = 2: head 0 compares first coordinates, head 1 second ones.
        // x = [[1, 0], [0, 1]], dot similarity: head 0 scores [[1, 0], [0, 0]], head 1 [[0, 0], [0, 1]].
        let attn = MultiHeadAttention(q: identity2(), k: identity2(), v: identity2(), out: identity2(), heads: 2, similarity: .dot)
        let trace = Trace()
        _ = attn.forward([1, 0, 0, 1], memory: [1, 0, 0, 1], causal: false, trace: TraceScope(trace, ""))
        let scores = trace.tensors.first { $0.0 == "hook_attn_scores" }!.1
        XCTAssertEqual(scores.shape, [2, 2, 2])
        XCTAssertEqual(scores.data, [1, 0, 0, 0, 0, 0, 0, 1])
    }

    func testPositionalEncodingInterleavedMatchesThePaper() throws {
        // PE(pos, 2i) = sin(pos/10000^(2i/d)), PE(pos, 2i+1) = cos(pos/10000^(2i/d)); d = 4:
        // 10000^(2/4) = 100, so position 1 = [sin 1, cos 1, sin 0.01, cos 0.01]
        let pe = PositionalEncoding(kind: .sinusoidalInterleaved, dModel: 4, maxPositions: 8)
        let v = try pe.values(count: 3)
        assertClose(Array(v[0..<4]), [0, 1, 0, 1])
        assertClose(Array(v[4..<8]), [sin(1.0), cos(1.0), sin(0.01), cos(0.01)])
        assertClose(Array(v[8..<12]), [sin(2.0), cos(2.0), sin(0.02), cos(0.02)])
        // d = 2, the explainer's width: [sin pos, cos pos]
        let pe2 = PositionalEncoding(kind: .sinusoidalInterleaved, dModel: 2, maxPositions: 8)
        assertClose(try pe2.values(count: 1, start: 3), [sin(3.0), cos(3.0)])
    }

    func testPositionalEncodingHalvesIsMarians() throws {
        // Marian: sines of every frequency first, then the cosines: d = 4, position 1 =
        // [sin 1, sin 0.01, cos 1, cos 0.01]
        let pe = PositionalEncoding(kind: .sinusoidalHalves, dModel: 4, maxPositions: 8)
        assertClose(try pe.values(count: 1, start: 1), [sin(1.0), sin(0.01), cos(1.0), cos(0.01)])
    }

    func testPositionalEncodingLimit() {
        let pe = PositionalEncoding(kind: .none, dModel: 2, maxPositions: 4)
        XCTAssertThrowsError(try pe.values(count: 5)) { e in
            XCTAssertTrue("\(e)".contains("max_position_embeddings"), "\(e)")
        }
    }

    func testMatmulTransposes() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50];  with B stored transposed the same.
        XCTAssertEqual(matmul([1, 2, 3, 4], [5, 6, 7, 8], M: 2, N: 2, K: 2, transposeB: false), [19, 22, 43, 50])
        XCTAssertEqual(matmul([1, 2, 3, 4], [5, 7, 6, 8], M: 2, N: 2, K: 2, transposeB: true), [19, 22, 43, 50])
    }

    func testGreedyPickLowestIdOnTie() {
        let step = pickGreedy(logits: [1, 3, 3, 0], topK: 3)
        XCTAssertEqual(step.id, 1)
        XCTAssertEqual(step.top.map(\.id), [1, 2, 0])
    }
}
