import CKernels

/// The compute kernels' settings: which SIMD variant runs and how many threads share the work.
/// Neither changes a single output bit (docs/NUMERICS.md); both only change the speed.
public enum Kernels {
    /// The SIMD variants, as `VAMOS_ISA` names them.
    public enum ISA: String, CaseIterable, Sendable {
        case scalar, avx2, avx512, neon

        var code: Int32 {
            switch self {
            case .scalar: Int32(VAMOS_ISA_SCALAR)
            case .avx2: Int32(VAMOS_ISA_AVX2)
            case .avx512: Int32(VAMOS_ISA_AVX512)
            case .neon: Int32(VAMOS_ISA_NEON)
            }
        }

        /// Whether this machine (and this build) can run the variant.
        public var isSupported: Bool { vamos_isa_supported(code) != 0 }
    }

    /// The variant in use: `VAMOS_ISA` when set, else the best this machine runs.
    public static var isa: ISA {
        ISA.allCases.first { $0.code == vamos_isa_current() } ?? .scalar
    }

    /// Forces a variant; throws when the machine cannot run it.
    public static func use(_ isa: ISA) throws {
        guard vamos_isa_set(isa.code) == 0 else {
            throw VamosError("VAMOS_ISA: this machine cannot run the \(isa.rawValue) kernels (it runs: \(ISA.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// Back to the default variant (`VAMOS_ISA`, else the best this machine runs).
    public static func useDefault() { vamos_isa_reset() }

    /// The problem with `VAMOS_ISA`, if it names no variant or one this machine cannot run.
    public static func environmentProblem() -> String? {
        switch vamos_isa_from_environment() {
        case -2: return "VAMOS_ISA must be one of \(ISA.allCases.map(\.rawValue).joined(separator: ", "))"
        case -3: return "VAMOS_ISA: this machine cannot run that variant (it runs: \(ISA.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")))"
        default: return nil
        }
    }

    /// Threads the products split their outputs over (the calling thread included):
    /// `--threads`, else `VAMOS_THREADS`, else every core this process may run on.
    public static var threads: Int {
        get { Int(vamos_threads_get()) }
        set { vamos_threads_set(Int32(clamping: newValue)) }
    }

    /// The multiply-adds (or, for the weights, half the bytes) below which a product runs on the
    /// calling thread alone: a hand-off costs more than it saves (docs/NUMERICS.md section 5).
    /// `VAMOS_PARALLEL_MIN`, else 128 Ki; 0 splits every product. Never changes a bit.
    public static var parallelMinimum: Int {
        get { Int(vamos_parallel_min_get()) }
        set { vamos_parallel_min_set(Int64(newValue)) }
    }

    /// The cores this process may use (its CPU affinity).
    public static var availableCores: Int { Int(vamos_threads_available()) }

    /// Whether a matrix product gave ±inf or NaN since the last call (then float32 overflowed
    /// somewhere on the way, even if the stage's outputs look finite); clears the flag.
    public static func takeOverflow() -> Bool { vamos_nonfinite_take() != 0 }
}
