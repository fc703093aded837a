import CKernels

/// Runs `body(i)` for i in 0..<count on the kernels' threads (the caller included), for work that
/// is independent per i — each i writes only outputs of its own, so the result never depends on
/// the threads. One job for the whole loop: the workers wake once (docs/NUMERICS.md section 5).
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    if count == 1 || Kernels.threads <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        var box = body
        withUnsafeMutablePointer(to: &box) { p in
            vamos_parallel_run(Int32(clamping: count), { ctx, t in
                ctx!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(t))
            }, UnsafeMutableRawPointer(p))
        }
    }
}

/// Below this many elements of work a loop runs on the caller alone (a hand-off costs 1–3 µs while
/// a worker watches for work, 15–70 µs when it must be woken; 8 Ki measured no faster).
let parallelBlockWork = 32_768

/// `body(i)` for i in 0..<count, in up to 8 blocks of consecutive i on the threads when `work`
/// (elements touched) is at least `parallelBlockWork`, else in order on the caller.
@inline(__always)
func parallelBlocks(_ count: Int, work: Int, _ body: (Int) -> Void) {
    parallelRanges(count, work: work) { range in for i in range { body(i) } }
}

/// `body(range)` for up to 8 consecutive, non-empty ranges covering 0..<count, on the threads when
/// `work` is at least `parallelBlockWork`, else `body(0..<count)` on the caller.
@inline(__always)
func parallelRanges(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    if count <= 0 { return }
    let blocks = work >= parallelBlockWork ? min(count, 8) : 1
    if blocks <= 1 { body(0..<count); return }
    let per = (count + blocks - 1) / blocks
    parallelFor(blocks) { b in
        let lo = min(count, b * per), hi = min(count, lo + per)
        if lo < hi { body(lo..<hi) }
    }
}

/// `body(columns)` for blocks of at least 16 of C columns (up to 8 blocks) on the threads when
/// rows · C is at least `parallelBlockWork`: column sums over rows, each column's sum whole in one task.
@inline(__always)
func parallelColumnBlocks(rows: Int, columns C: Int, _ body: (Range<Int>) -> Void) {
    let blocks = rows * C >= parallelBlockWork ? max(1, min(C / 16, 8)) : 1
    let per = (C + blocks - 1) / blocks
    parallelFor(blocks) { b in
        let j0 = min(C, b * per), j1 = min(C, j0 + per)
        if j0 < j1 { body(j0..<j1) }
    }
}
