/// a[i] += b[i] (the residual connections' backward), in blocks on the threads: elementwise, so the
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

/// a[i] + b[i] into a new array, in blocks on the threads (the residual sum x + f(x): `var sum = x`
/// then += would first copy x on one thread, as the buffer is shared).
func elementwiseSum<T: Scalar>(_ a: [T], _ b: [T]) -> [T] {
    precondition(a.count == b.count)
    let n = a.count
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            [T](unsafeUninitializedCapacity: n) { out, count in
                parallelRanges(n, work: n) { r in
                    let pa = a.baseAddress!, pb = b.baseAddress!, po = out.baseAddress!
                    for i in r { po[i] = pa[i] + pb[i] }
                }
                count = n
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

/// a[i] += b[i] + c[i] (self-attention's d(h) from the q, k and v paths), in blocks on the threads.
func addSumInPlace<T: Scalar>(_ a: UnsafeMutableBufferPointer<T>, _ b: [T], _ c: [T]) {
    precondition(a.count == b.count && a.count == c.count)
    let n = a.count
    b.withUnsafeBufferPointer { b in
        c.withUnsafeBufferPointer { c in
            parallelRanges(n, work: n) { r in
                let pa = a.baseAddress!, pb = b.baseAddress!, pc = c.baseAddress!
                for i in r { pa[i] += pb[i] + pc[i] }
            }
        }
    }
}

/// A copy of x with a buffer of its own, made by blocks on the threads (instead of the one-thread
/// copy that writing into a shared array triggers).
func parallelCopy<T: Scalar>(_ x: [T]) -> [T] {
    let n = x.count
    return x.withUnsafeBufferPointer { src in
        [T](unsafeUninitializedCapacity: n) { dst, count in
            parallelRanges(n, work: n) { r in
                UnsafeMutableRawPointer(dst.baseAddress! + r.lowerBound)
                    .copyMemory(from: src.baseAddress! + r.lowerBound, byteCount: r.count * MemoryLayout<T>.stride)
            }
            count = n
        }
    }
}
