import CKernels
import XCTest
@testable import VamosCore

/// The kernels' promise: every SIMD variant this machine runs, and the scalar one, give the same
/// bits for any shape, thread count and weight type; and those bits are the canonical dot product
/// (16 lanes, k → lane k mod 16, FMA per step, the fixed tree), written out here independently.
final class KernelTests: XCTestCase {
    var parallelMinimum = 0

    // Every product is split over the threads here, however small (the default keeps small ones whole).
    override func setUp() {
        parallelMinimum = Kernels.parallelMinimum
        Kernels.parallelMinimum = 0
    }

    override func tearDown() {
        Kernels.useDefault()
        Kernels.threads = Kernels.availableCores
        Kernels.parallelMinimum = parallelMinimum
    }

    /// The definition, in Swift: `Float.addingProduct` is IEEE fusedMultiplyAdd (one rounding).
    func canonicalDot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var acc = [Float](repeating: 0, count: 16)
        let K = a.count
        let padded = (K + 15) / 16 * 16
        for k in 0..<padded {
            let x = k < K ? a[a.startIndex + k] : 0, y = k < K ? b[b.startIndex + k] : 0
            acc[k % 16] = acc[k % 16].addingProduct(x, y)
        }
        let t8 = (0..<8).map { acc[$0] + acc[$0 + 8] }
        let t4 = (0..<4).map { t8[$0] + t8[$0 + 4] }
        let t2 = (0..<2).map { t4[$0] + t4[$0 + 2] }
        return t2[0] + t2[1]
    }

    var rng = SeededRandom(seed: 7)

    func random(_ n: Int) -> [Float] {
        (0..<n).map { _ in Float(rng.uniform() * 2 - 1) * (rng.below(10) == 0 ? 1e-30 : 1) }
    }

    static let shapes = [(1, 1, 1), (1, 7, 3), (3, 5, 17), (1, 70, 512), (4, 37, 33), (24, 40, 64), (7, 9, 130),
                         (2, 2, 2), (16, 31, 15), (65, 9, 48), (5, 100, 16), (1, 3, 0),
                         // big enough to split over the threads: by columns, and by rows (N < 16·threads)
                         (1, 700, 100), (3, 301, 100), (70, 20, 64), (33, 47, 50)]

    func testEveryVariantThreadCountAndDtypeGivesTheCanonicalBits() throws {
        let variants = Kernels.ISA.allCases.filter(\.isSupported)
        XCTAssertTrue(variants.contains(.scalar))
        for (M, N, K) in KernelTests.shapes {
            let A = random(M * K), B = random(N * K), bias = random(N)
            let halves = B.map { vamos_f32_to_f16($0) }, brains = B.map { vamos_f32_to_bf16($0) }
            let widened: [(WeightMatrix.DType, [Float], Any)] = [
                (.f32, B, B), (.f16, halves.map { vamos_f16_to_f32($0) }, halves), (.bf16, brains.map { vamos_bf16_to_f32($0) }, brains),
            ]
            for (dtype, wide, stored) in widened {
                var expected = [Float](repeating: 0, count: M * N)
                for i in 0..<M { for j in 0..<N {
                    expected[i * N + j] = canonicalDot(A[(i * K)..<((i + 1) * K)], wide[(j * K)..<((j + 1) * K)]) + bias[j]
                } }
                for isa in variants {
                    try Kernels.use(isa)
                    for threads in [1, 2, 3] {
                        Kernels.threads = threads
                        // C = v, then (into a C with a row stride of its own) C = C + v, the cells
                        // past each row untouched.
                        func product(_ C: inout [Float], ldc: Int, accumulate: Int32) {
                            func run(_ p: UnsafeRawPointer) {
                                vamos_sgemm_nt(Int64(M), Int64(N), Int64(K), A, Int64(K), p, dtype.rawValue, Int64(K), bias, &C, Int64(ldc), accumulate)
                            }
                            switch stored {
                            case let s as [Float]: s.withUnsafeBytes { run($0.baseAddress!) }
                            case let s as [UInt16]: s.withUnsafeBytes { run($0.baseAddress!) }
                            default: XCTFail("type")
                            }
                        }
                        var C = [Float](repeating: .nan, count: M * N)
                        product(&C, ldc: N, accumulate: 0)
                        XCTAssertEqual(C.map(\.bitPattern), expected.map(\.bitPattern),
                                       "\(isa) \(threads) threads \(dtype) [\(M),\(K)]·[\(N),\(K)]ᵀ")
                        let ldc = N + 3
                        let old = random(M * ldc)
                        var D = old
                        product(&D, ldc: ldc, accumulate: 1)
                        var expectedD = old
                        for i in 0..<M { for j in 0..<N { expectedD[i * ldc + j] = old[i * ldc + j] + expected[i * N + j] } }
                        XCTAssertEqual(D.map(\.bitPattern), expectedD.map(\.bitPattern),
                                       "accumulate: \(isa) \(threads) threads \(dtype) [\(M),\(K)]·[\(N),\(K)]ᵀ")
                    }
                }
            }
        }
    }

    /// A product that overflows float32 (one cell of a full tile, of an edge tile, of one row) raises
    /// the flag the stages turn into an error; finite products leave it down.
    func testOverflowIsNotedInEveryTileShape() throws {
        for isa in Kernels.ISA.allCases.filter(\.isSupported) {
            try Kernels.use(isa)
            for (M, N, K, bad) in [(8, 8, 32, 9), (5, 7, 32, 34), (1, 9, 32, 5), (8, 8, 32, -1)] {
                var A = [Float](repeating: 1, count: M * K)
                let B = [Float](repeating: 1, count: N * K)
                if bad >= 0 { A[(bad / N) * K] = 3e38; A[(bad / N) * K + 16] = 3e38 }
                var C = [Float](repeating: 0, count: M * N)
                _ = Kernels.takeOverflow()
                vamos_sgemm_nt(Int64(M), Int64(N), Int64(K), A, Int64(K), B, 0, Int64(K), nil, &C, Int64(N), 0)
                XCTAssertEqual(Kernels.takeOverflow(), bad >= 0, "\(isa) [\(M),\(K)]·[\(N),\(K)]ᵀ cell \(bad)")
            }
        }
    }

    /// parallelBlocks visits every index once, whatever the count and the number of blocks.
    func testParallelBlocksVisitEveryIndexOnce() {
        for count in [0, 1, 2, 7, 8, 9, 17, 23, 100, 1001] {
            for work in [0, parallelBlockWork] {
                var seen = [Int](repeating: 0, count: count)
                seen.withUnsafeMutableBufferPointer { seen in parallelBlocks(count, work: work) { seen[$0] += 1 } }
                XCTAssertEqual(seen, [Int](repeating: 1, count: count), "count \(count) work \(work)")
            }
        }
    }

    /// The AdamW step in C is Optimizer.swift's formula, operation by operation, with and without
    /// weight decay (tiny, zero and negative-zero gradients included).
    func testAdamWStepIsTheFormula() {
        let n = 1003
        for decay: Float in [0, 0.01] {
            var w = random(n), m = random(n).map { $0 * 0.1 }, v = random(n).map { abs($0) * 0.01 }
            var g = random(n)
            g[0] = 0; g[1] = -0.0; g[2] = 1e-30; m[1] = 0; v[1] = 0
            let (lr, b1, b2, c1, c2, eps): (Float, Float, Float, Float, Float, Float) = (1e-3, 0.9, 0.98, 0.19, 0.0396, 1e-9)
            var we = w, me = m, ve = v
            for i in 0..<n {
                me[i] = b1 * me[i] + (1 - b1) * g[i]
                ve[i] = b2 * ve[i] + (1 - b2) * g[i] * g[i]
                let update = (me[i] / c1) / ((ve[i] / c2).squareRoot() + eps)
                we[i] -= lr * (update + (decay > 0 ? decay * we[i] : 0))
            }
            vamos_adamw_f32(&w, g, &m, &v, Int64(n), lr, b1, b2, c1, c2, eps, decay)
            XCTAssertEqual(w.map(\.bitPattern), we.map(\.bitPattern), "decay \(decay)")
            XCTAssertEqual(m.map(\.bitPattern), me.map(\.bitPattern))
            XCTAssertEqual(v.map(\.bitPattern), ve.map(\.bitPattern))
        }
    }

    /// softmax's and log-softmax's exps and Σ exp(x − m) are, in every variant, the scalar loop's bits: the exps of
    /// ordinary, far-negative (subnormal and zero results), −∞ and NaN entries, any length.
    func testSumOfShiftedExpsIsTheScalarLoop() throws {
        var rows: [[Float]] = [[], [0], [1, 2, 3], (0..<37).map { Float($0) * 0.37 - 5 }]
        rows.append((0..<1000).map { _ in Float(rng.uniform() * 40 - 30) })
        rows.append([3, -.infinity, 2, -.infinity, -.infinity, 1, 0.5, -100, -110, -700, -745, -800, 4])
        rows.append([1, .nan, 2, 3, 4, 5])
        for x in rows {
            let m = x.max() ?? 0
            var expected: Float = 0
            for v in x { expected += vamos_expf(v - m) }
            for isa in Kernels.ISA.allCases.filter(\.isSupported) {
                try Kernels.use(isa)
                var y = x
                let stored = y.withUnsafeMutableBufferPointer { vamos_exp_shifted($0.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!, Int64(x.count), m) }
                XCTAssertTrue(stored.bitPattern == expected.bitPattern || (stored.isNaN && expected.isNaN),
                              "\(isa) n=\(x.count): \(stored) vs \(expected)")
                for (a, b) in zip(x, y) {
                    let e = vamos_expf(a - m)
                    XCTAssertTrue(b.bitPattern == e.bitPattern || (b.isNaN && e.isNaN), "\(isa): exp(\(a) − \(m))")
                }
            }
        }
    }

    /// parallelFor runs every index once; a product inside a task (the per-item attention of a
    /// training batch) runs on that task's thread, with the same bits, and does not wait on the job
    /// it belongs to (every product is split here: parallelMinimum 0).
    func testParallelForAndProductsInsideIt() {
        let (M, N, K) = (3, 301, 100)
        let A = random(M * K), B = random(N * K)
        Kernels.threads = 1
        let expected = matmul(A, B, M: M, N: N, K: K, transposeB: true)
        for threads in [2, 3] {
            Kernels.threads = threads
            var seen = [Int](repeating: 0, count: 40)
            var results = [[Float]](repeating: [], count: 40)
            seen.withUnsafeMutableBufferPointer { s in
                results.withUnsafeMutableBufferPointer { r in
                    parallelFor(40) { i in
                        s[i] += 1
                        r[i] = matmul(A, B, M: M, N: N, K: K, transposeB: true)
                    }
                }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: 40), "\(threads) threads")
            for r in results { XCTAssertEqual(r.map(\.bitPattern), expected.map(\.bitPattern), "\(threads) threads") }
        }
    }

    /// swish in every variant is exactly the scalar expression x / (1 + vamos_expf(−x)), on values
    /// that reach every branch of fdlibm's exp: |x| < 2^−28, the ±0.5 ln2 and ±1.5 ln2 edges, x = −1
    /// (exp(1) is special-cased), large arguments, results near overflow and subnormal, ±0, ±∞, NaN.
    func testSwishVariantsAgreeBitForBit() throws {
        var xs: [Float] = [0, -0, 1, -1, 1e-9, -1e-9, 3.7e-9, -3.7e-9, 0.34657359, -0.34657359, 0.3465736, -0.3465736,
                           1.0397208, -1.0397208, 1.0397207, -1.0397207, 2, -2, 10, -10, 87, -87, 88.7, -88.7, 103, -103,
                           700, -700, 708, -708, 709.5, -709.5, 710, -710, 745, -745, 800, -800, 3e38, -3e38,
                           .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude]
        for e in stride(from: -30, through: 12, by: 1) {
            for m: Float in [1, 1.1, 1.5, 1.9] { xs += [m * Float(pow(2.0, Double(e))), -m * Float(pow(2.0, Double(e)))] }
        }
        for _ in 0..<20_000 { xs.append(Float(rng.uniform() * 40 - 20)) }
        for n in [0, 1, 3, 4, 5, xs.count] {
            let input = Array(xs.prefix(n))
            let expected = input.map { $0 / (1 + vamos_expf(-$0)) }
            for isa in Kernels.ISA.allCases.filter(\.isSupported) {
                try Kernels.use(isa)
                var y = input
                vamos_swish(&y, Int64(y.count))
                XCTAssertEqual(y.map(\.bitPattern), expected.map(\.bitPattern), "\(isa) n \(n)")
                var viaActivate = input
                activate(&viaActivate, .swish)
                XCTAssertEqual(viaActivate.map(\.bitPattern), expected.map(\.bitPattern), "\(isa) activate")
            }
        }
    }

    /// Cross-entropy's two C passes (`vamos_ce_exp_sum`, `vamos_ce_grad`) are its Swift definition
    /// bit for bit in every variant: rows with huge, tiny, subnormal-producing and −∞ logits, the
    /// label in every lane position, with and without label smoothing.
    func testCrossEntropyPassesAgreeBitForBit() throws {
        let wild: [Float] = [0, -0, 1, -1, 30, -30, 88, -88, 700, -700, -745, -1e4, 3e38, -3e38, -.infinity, .leastNonzeroMagnitude]
        var plain: [Float] = [], masked: [Float] = []
        for i in 0..<2_000 {
            plain.append(Float(rng.uniform() * 40 - 20))
            masked.append(i % 7 == 3 ? -.infinity : i % 11 == 5 ? -800 : Float(rng.uniform() * 16 - 8))
        }
        var rows: [[Float]] = [wild, plain, masked]
        for n in [1, 3, 4, 5, 17] { rows.append(Array(plain.prefix(n))) }
        for x in rows {
            let n = x.count
            let m = x.max()!
            var sum: Double = 0
            for v in x { sum += vamos_exp(Double(v - m)) }
            let lse = Double(m) + vamos_log(sum)
            for (label, eps) in [(0, Float(0)), (min(2, n - 1), 0.1), (n - 1, 0.1), (n / 2, 0.25)] {
                let inv: Float = 1 / 7
                let expected = x.indices.map { j -> Float in
                    let p = Float(vamos_exp(Double(x[j]) - lse))
                    let q = (j == label ? 1 - eps : 0) + eps / Float(n)
                    return (p - q) * inv
                }
                for isa in Kernels.ISA.allCases.filter(\.isSupported) {
                    try Kernels.use(isa)
                    XCTAssertEqual(vamos_ce_exp_sum(x, Int64(n), m).bitPattern, sum.bitPattern, "\(isa) n \(n) sum")
                    var d = [Float](repeating: .nan, count: n)
                    vamos_ce_grad(x, Int64(n), lse, Int64(label), eps, inv, &d)
                    XCTAssertEqual(d.map(\.bitPattern), expected.map(\.bitPattern), "\(isa) n \(n) label \(label) eps \(eps)")
                }
            }
        }
    }

    /// Transposed operands (training's products) are packed, then computed canonically; Double too.
    func testTransposedProductsAndDouble() throws {
        // Small, with edges of every size modulo 4 and 16, and large enough to pack over the threads.
        for (M, N, K) in [(6, 5, 37), (19, 34, 23), (530, 13, 520)] { try transposedProducts(M: M, N: N, K: K) }
    }

    /// op(A)·op(B) in all four layouts (A stored [K, M] or [M, K], B [K, N] or [N, K]: the weight
    /// gradients, dX = dY·W, attention's products) and the training linear layer x·Wᵀ + b — packed
    /// by lanes of k in the SIMD variants (gemm_tn.c), transposed for the others — is the canonical
    /// dot product of A's row and B's column in every variant, thread count and edge (M mod 8, N mod
    /// 16 or 32, K mod 16, K = 0, M = 1), with −0 among the values, when accumulating, and with a
    /// bias: the dot product, then + b.
    func testProductsByLanesAreCanonicalInEveryVariantAndLayout() throws {
        let variants = Kernels.ISA.allCases.filter(\.isSupported)
        for (M, N, K) in [(1, 1, 1), (1, 40, 33), (2, 3, 17), (17, 32, 17), (9, 33, 0), (13, 40, 16), (7, 33, 15), (33, 65, 47), (100, 96, 64), (130, 70, 300)] {
            var A = random(K * M), B = random(K * N)  // op(A)[i, k] = A[i·K + k], op(B)[k, j] = B[k·N + j]
            for i in stride(from: 0, to: A.count, by: 7) { A[i] = -0.0 }
            for i in stride(from: 3, to: B.count, by: 11) { B[i] = -0.0 }
            let At = (0..<(K * M)).map { A[($0 % M) * K + $0 / M] }  // stored [K, M]
            let Bt = (0..<(N * K)).map { B[($0 % K) * N + $0 / K] }  // stored [N, K]
            let bias = random(N).enumerated().map { $0.offset % 3 == 0 ? -0.0 : $0.element }
            let start = random(M * N).enumerated().map { $0.offset % 5 == 0 ? -0.0 : $0.element }
            var expected = [Float](repeating: 0, count: M * N)
            for i in 0..<M { for j in 0..<N {
                let a = (0..<K).map { A[i * K + $0] }, b = (0..<K).map { B[$0 * N + j] }
                expected[i * N + j] = canonicalDot(a[...], b[...])
            } }
            let accumulated = zip(start, expected).map { $0 + $1 }
            let biased = expected.enumerated().map { $0.element + bias[$0.offset % N] }
            for isa in variants {
                try Kernels.use(isa)
                for threads in [1, 2, 3] {
                    Kernels.threads = threads
                    for (transA, transB) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let a = transA == 1 ? At : A, b = transB == 1 ? Bt : B
                        let lda = transA == 1 ? M : K, ldb = transB == 1 ? K : N
                        let what = "\(isa) \(threads) threads, \(M)×\(N)×\(K), transA \(transA) transB \(transB)"
                        var c = [Float](repeating: .nan, count: M * N)
                        vamos_sgemm(Int32(transA), Int32(transB), Int64(M), Int64(N), Int64(K), a, Int64(lda), b, Int64(ldb), &c, Int64(N), 0)
                        XCTAssertEqual(c.map(\.bitPattern), expected.map(\.bitPattern), what)
                        c = start
                        vamos_sgemm(Int32(transA), Int32(transB), Int64(M), Int64(N), Int64(K), a, Int64(lda), b, Int64(ldb), &c, Int64(N), 1)
                        XCTAssertEqual(c.map(\.bitPattern), accumulated.map(\.bitPattern), what + ", +=")
                    }
                    var c = [Float](repeating: .nan, count: M * N)
                    vamos_linear_f32(Int64(M), Int64(N), Int64(K), A, Bt, bias, &c)
                    XCTAssertEqual(c.map(\.bitPattern), biased.map(\.bitPattern), "\(isa) \(threads) threads, \(M)×\(N)×\(K), linear + bias")
                }
            }
        }
    }

    func transposedProducts(M: Int, N: Int, K: Int) throws {
        let A = random(M * K), B = random(K * N)
        let At = (0..<(K * M)).map { A[($0 % M) * K + $0 / M] }   // [K, M]
        let Bt = (0..<(N * K)).map { B[($0 % K) * N + $0 / K] }   // [N, K]
        var c1 = [Float](repeating: 0, count: M * N), c2 = c1
        vamos_sgemm(0, 0, Int64(M), Int64(N), Int64(K), A, Int64(K), B, Int64(N), &c1, Int64(N), 0)
        vamos_sgemm(1, 1, Int64(M), Int64(N), Int64(K), At, Int64(M), Bt, Int64(K), &c2, Int64(N), 0)
        for i in 0..<M { for j in 0..<N {
            let col = (0..<K).map { B[$0 * N + j] }
            XCTAssertEqual(c1[i * N + j].bitPattern, canonicalDot(A[(i * K)..<((i + 1) * K)], col[...]).bitPattern)
        } }
        XCTAssertEqual(c1, c2)
        // accumulate: C + v
        var c3 = c1
        vamos_sgemm(0, 0, Int64(M), Int64(N), Int64(K), A, Int64(K), B, Int64(N), &c3, Int64(N), 1)
        XCTAssertEqual(c3, zip(c1, c1).map { $0 + $1 })
        let Ad = A.map(Double.init), Bd = B.map(Double.init)
        var d = [Double](repeating: 0, count: M * N)
        vamos_dgemm(0, 0, Int64(M), Int64(N), Int64(K), Ad, Int64(K), Bd, Int64(N), &d, Int64(N), 0)
        for i in 0..<(M * N) { XCTAssertEqual(Float(d[i]), c1[i], accuracy: 1e-6 * Float(K)) }  // float32 rounding over K terms
    }

    /// float16 and bfloat16 rounding: nearest, ties to even, checked against the neighbours.
    func testHalfPrecisionRoundsToNearestEven() {
        for h in 0..<UInt16.max where (h & 0x7c00) != 0x7c00 {  // every finite half round-trips
            XCTAssertEqual(vamos_f32_to_f16(vamos_f16_to_f32(h)), h)
            XCTAssertEqual(vamos_f32_to_bf16(vamos_bf16_to_f32(h)), h)
        }
        XCTAssertEqual(vamos_f32_to_f16(65520), 0x7c00)      // halfway to 65536: even → inf
        XCTAssertEqual(vamos_f32_to_f16(65519.996), 0x7bff)
        XCTAssertEqual(vamos_f32_to_f16(Float(bitPattern: 0x3300_0000)), 0)  // 2^-25, halfway to 2^-24: tie → 0 (even)
        XCTAssertEqual(vamos_f32_to_f16(Float(bitPattern: 0x3300_0001)), 1)
        XCTAssertEqual(vamos_f32_to_f16(Float(bitPattern: 0x3380_0000)), 1)  // 2^-24: the smallest subnormal
        for _ in 0..<20000 {
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x477f_ffff | (rng.below(2) == 0 ? 0 : 0x8000_0000))
            for (to, from) in [(vamos_f32_to_f16, vamos_f16_to_f32), (vamos_f32_to_bf16, vamos_bf16_to_f32)] {
                let r = to(x), v = Double(from(r)), e = abs(v - Double(x))
                for n in [r &+ 1, r &- 1] where from(n).isFinite {
                    let en = abs(Double(from(n)) - Double(x))
                    XCTAssertTrue(e < en || (e == en && r & 1 == 0), "\(x) → \(v)")
                }
            }
        }
    }

    /// VAMOS_ISA names a variant; one the machine cannot run is refused.
    func testForcingAVariant() throws {
        for isa in Kernels.ISA.allCases {
            if isa.isSupported {
                try Kernels.use(isa)
                XCTAssertEqual(Kernels.isa, isa)
            } else {
                XCTAssertThrowsError(try Kernels.use(isa))
            }
        }
    }

    /// Vamos' elementary functions give the committed bits (produced by vamos_math.c and checked
    /// against mpmath by scripts/check-math.py: < 1 ulp in double, correctly rounded in float).
    func testElementaryFunctionsGiveTheCheckedBits() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/math/vamos_math.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows = 0
        let doubles: [String: (Double) -> Double] = ["exp": vamos_exp, "expm1": vamos_expm1, "log": vamos_log,
                                                      "tanh": vamos_tanh, "erf": vamos_erf, "sin": vamos_sin, "cos": vamos_cos]
        let floats: [String: (Float) -> Float] = ["expf": vamos_expf, "logf": vamos_logf, "tanhf": vamos_tanhf, "erff": vamos_erff]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("function") {
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 3, let arg = UInt64(f[1].dropFirst(2), radix: 16), let want = UInt64(f[2].dropFirst(2), radix: 16) else {
                XCTFail("bad row \(line)"); continue
            }
            if let fn = doubles[f[0]] {
                XCTAssertEqual(fn(Double(bitPattern: arg)).bitPattern, want, "\(line)")
            } else if let fn = floats[f[0]] {
                XCTAssertEqual(UInt64(fn(Float(bitPattern: UInt32(arg))).bitPattern), want, "\(line)")
            } else {
                XCTFail("unknown function \(f[0])")
            }
            rows += 1
        }
        XCTAssertGreaterThan(rows, 500)
    }
}
