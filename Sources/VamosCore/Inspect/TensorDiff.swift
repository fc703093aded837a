#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compares two documents tensor by tensor, as `numpy.isclose(a, b, rtol, atol)` does:
/// a value pair is close when |a − b| ≤ atol + rtol·|b| (b: the second document). Also reports
/// tensors present in only one document, shape mismatches and differing non-tensor fields
/// (`source.ids`, `target.tokens`, …; numbers there are compared with the same tolerance).
public struct TensorDiff {
    public var atol: Double
    public var rtol: Double
    /// How many of the largest differences to list per tensor.
    public var top: Int
    /// Top-level fields and tensors left out of the comparison (`stage` by default: it is informational).
    public var ignore: Set<String>

    public static let defaultATol = 1e-8, defaultRTol = 1e-5

    public init(atol: Double = TensorDiff.defaultATol, rtol: Double = TensorDiff.defaultRTol, top: Int = 5,
                ignore: Set<String> = ["stage"]) {
        self.atol = atol
        self.rtol = rtol
        self.top = top
        self.ignore = ignore
    }

    /// One difference found.
    public enum Finding: Equatable {
        case onlyInA(tensor: String)
        case onlyInB(tensor: String)
        case shape(tensor: String, a: [Int], b: [Int])
        case values(ValueDiff)
        case field(path: String, a: String?, b: String?)
    }

    /// Values of one tensor beyond tolerance.
    public struct ValueDiff: Equatable {
        public var tensor: String
        public var shape: [Int]
        public var mismatches: Int
        public var maxAbs: Double
        /// The largest differences: flat index, a, b, the index described with token labels.
        public var worst: [Worst]

        public struct Worst: Equatable {
            public var index: [Int]
            public var label: String
            public var a: Float
            public var b: Float
        }
    }

    /// The outcome for one pair of documents.
    public struct Result {
        public var findings: [Finding] = []
        public var tensorsCompared = 0
        /// Largest |a − b| over every compared tensor value (0 when none).
        public var maxAbs = 0.0
        public var equal: Bool { findings.isEmpty }
    }

    public func isClose(_ a: Float, _ b: Float) -> Bool {
        abs(Double(a) - Double(b)) <= atol + rtol * abs(Double(b))
    }

    public func compare(_ a: Document, _ b: Document) -> Result {
        var r = Result()
        for (name, ta) in a.tensors.pairs where !ignore.contains(name) {
            guard let tb = b.tensors[name] else { r.findings.append(.onlyInA(tensor: name)); continue }
            guard ta.shape == tb.shape else { r.findings.append(.shape(tensor: name, a: ta.shape, b: tb.shape)); continue }
            r.tensorsCompared += 1
            var bad: [Int] = [], maxAbs = 0.0
            for i in 0..<ta.count {
                let d = abs(Double(ta.data[i]) - Double(tb.data[i]))
                maxAbs = max(maxAbs, d)
                if !isClose(ta.data[i], tb.data[i]) { bad.append(i) }
            }
            r.maxAbs = max(r.maxAbs, maxAbs)
            if bad.isEmpty { continue }
            let worst = bad.sorted {
                let (x, y) = (abs(Double(ta.data[$0]) - Double(tb.data[$0])), abs(Double(ta.data[$1]) - Double(tb.data[$1])))
                return x != y ? x > y : $0 < $1
            }.prefix(max(0, top)).map { i -> ValueDiff.Worst in
                let idx = TensorLabels.index(i, shape: ta.shape)
                return .init(index: idx, label: TensorLabels.describe(idx, tensor: ta, name: name, doc: a),
                             a: ta.data[i], b: tb.data[i])
            }
            r.findings.append(.values(ValueDiff(tensor: name, shape: ta.shape, mismatches: bad.count, maxAbs: maxAbs, worst: worst)))
        }
        for name in b.tensors.keys where a.tensors[name] == nil && !ignore.contains(name) {
            r.findings.append(.onlyInB(tensor: name))
        }
        var fieldsA = a.fields, fieldsB = b.fields
        for key in ignore { fieldsA[key] = nil; fieldsB[key] = nil }
        compareJSON(.object(fieldsA), .object(fieldsB), path: "", into: &r.findings)
        return r
    }

    /// Objects key by key, arrays of objects element by element; scalars and arrays of scalars
    /// (`ids`, `tokens`) as a whole, numbers within tolerance.
    func compareJSON(_ a: JSON?, _ b: JSON?, path: String, into findings: inout [Finding]) {
        switch (a.map(TensorDiff.plain), b.map(TensorDiff.plain)) {
        case (.object(let x)?, .object(let y)?):
            for (k, v) in x.pairs { compareJSON(v, y[k], path: join(path, k), into: &findings) }
            for (k, v) in y.pairs where x[k] == nil { compareJSON(nil, v, path: join(path, k), into: &findings) }
        case (.array(let x)?, .array(let y)?) where x.contains(where: isContainer) || y.contains(where: isContainer):
            for i in 0..<max(x.count, y.count) {
                compareJSON(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, path: "\(path)[\(i)]", into: &findings)
            }
        default:
            if !sameValue(a, b) {
                findings.append(.field(path: path, a: a.map { JSONCodec.serialize($0) }, b: b.map { JSONCodec.serialize($0) }))
            }
        }
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func isContainer(_ v: JSON) -> Bool {
        switch v { case .object, .array: return true; default: return false }
    }

    /// Arrays in any form (`.floats`, `.arrayText`) as `.array`, so they compare value by value.
    static func plain(_ v: JSON) -> JSON {
        switch v {
        case .floats, .arrayText: return .array(v.arrayValue!)
        default: return v
        }
    }

    private func sameValue(_ a: JSON?, _ b: JSON?) -> Bool {
        switch (a.map(TensorDiff.plain), b.map(TensorDiff.plain)) {
        case (nil, nil): return true
        case (.number(let x)?, .number(let y)?):
            if x == y { return true }
            if let i = Int(x), let j = Int(y) { return i == j }
            guard let dx = Double(x), let dy = Double(y) else { return false }
            return abs(dx - dy) <= atol + rtol * abs(dy)
        case (.array(let x)?, .array(let y)?):
            return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
        default: return a == b
        }
    }

    // MARK: - Report

    /// The report lines for one document pair (`document N: …`), empty when equal.
    public func report(_ r: Result, document: Int) -> [String] {
        var out: [String] = []
        let at = "document \(document)"
        for f in r.findings {
            switch f {
            case .onlyInA(let t): out.append("\(at): tensor '\(t)' only in A")
            case .onlyInB(let t): out.append("\(at): tensor '\(t)' only in B")
            case .shape(let t, let a, let b): out.append("\(at): tensor '\(t)': shape \(a) in A, \(b) in B")
            case .values(let v):
                let n = v.shape.reduce(1, *)
                out.append("\(at): tensor '\(v.tensor)' \(v.shape): \(v.mismatches) of \(n) values differ beyond atol \(fmt(atol)) + rtol \(fmt(rtol))·|b|; max |a−b| \(fmt(v.maxAbs))")
                for w in v.worst {
                    let d = abs(Double(w.a) - Double(w.b))
                    out.append("    \(TensorLabels.bracket(w.index))\(w.label.isEmpty ? "" : " " + w.label)  a \(formatFloat(w.a))  b \(formatFloat(w.b))  |a−b| \(fmt(d))")
                }
                if v.mismatches > v.worst.count { out.append("    … \(v.mismatches - v.worst.count) more") }
            case .field(let p, let a, let b):
                out.append("\(at): \(p): \(a.map { clip($0) } ?? "absent") in A, \(b.map { clip($0) } ?? "absent") in B")
            }
        }
        return out
    }

    public func fmt(_ v: Double) -> String {
        if v == 0 { return "0" }
        return cFormat("%.3g", v)
    }

    private func clip(_ s: String) -> String { s.count > 200 ? String(s.prefix(200)) + "…" : s }
}
