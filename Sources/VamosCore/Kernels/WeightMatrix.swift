import CKernels

/// A weight matrix [rows, cols] as the kernels read it: float32, bfloat16 or float16, stored where
/// it already is — in the memory-mapped safetensors file (nothing copied; a tied matrix exists
/// once), or in a float32 array (training, tests). Half-precision weights stay half precision
/// and are widened in registers, exactly, by the products.
public struct WeightMatrix: @unchecked Sendable {
    public enum DType: Int32, Sendable {
        case f32 = 0, bf16 = 1, f16 = 2
        var bytes: Int { self == .f32 ? 4 : 2 }
    }

    public let rows: Int
    public let cols: Int
    public let dtype: DType
    let pointer: UnsafeRawPointer
    /// What keeps `pointer` valid: the mapped file or the array's box.
    private let owner: AnyObject

    private final class Box { let data: [Float]; init(_ d: [Float]) { data = d } }

    /// A float32 array, held (not copied again).
    public init(_ data: [Float], rows: Int, cols: Int) {
        precondition(data.count == rows * cols, "WeightMatrix: \(data.count) values for [\(rows), \(cols)]")
        let box = Box(data)
        owner = box
        pointer = box.data.withUnsafeBytes { UnsafeRawPointer($0.baseAddress ?? UnsafeRawPointer(bitPattern: 16)!) }
        self.rows = rows
        self.cols = cols
        dtype = .f32
    }

    /// Bytes inside `owner` (e.g. a mapped file), of the given type, already validated.
    init(pointer: UnsafeRawPointer, dtype: DType, rows: Int, cols: Int, owner: AnyObject) {
        self.pointer = pointer
        self.dtype = dtype
        self.rows = rows
        self.cols = cols
        self.owner = owner
    }

    public var count: Int { rows * cols }

    /// Row `i`, widened to float32.
    public func row(_ i: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: cols) { out, count in  // every element written
            row(i, into: out.baseAddress!)
            count = cols
        }
    }

    /// Row `i`, widened to float32, into `cols` values at `out`.
    public func row(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(i >= 0 && i < rows)
        vamos_widen_row(pointer, dtype.rawValue, Int64(cols), Int64(i), out)
    }

    /// y[n, rows] = x[n, cols] · Wᵀ (+ bias), every element in the kernels' canonical order.
    public func multiply(_ x: UnsafePointer<Float>, rows n: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        vamos_sgemm_nt(Int64(n), Int64(rows), Int64(cols), x, Int64(cols), pointer, dtype.rawValue, Int64(cols),
                       bias, y, Int64(rows), 0)
    }
}
