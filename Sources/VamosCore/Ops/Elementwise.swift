/// a[i] += b[i] (the residual connections' sums), in blocks on the threads: elementwise, so the
/// blocks change no bit.
func addInPlace<T: Scalar>(_ a: inout [T], _ b: [T]) {
    precondition(a.count == b.count)
    let n = a.count
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            parallelRanges(n, work: n) { r in
                let pa = a.baseAddress!, pb = b.baseAddress!
                for i in r { pa[i] += pb[i] }
            }
        }
    }
}

/// x[i] *= s, in blocks on the threads.
func scaleInPlace<T: Scalar>(_ x: inout [T], by s: T) {
    let n = x.count
    x.withUnsafeMutableBufferPointer { x in
        parallelRanges(n, work: n) { r in
            let p = x.baseAddress!
            for i in r { p[i] *= s }
        }
    }
}
