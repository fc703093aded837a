import ArgumentParser
import VamosCLI
import VamosCore

struct Convert: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Writes a .safetensors file with every tensor in float32, bfloat16 or float16.",
        discussion: """
            Values are rounded to the nearest representable value, ties to even (as torch's \
            tensor.to(torch.bfloat16 / torch.float16) does); a float32 value beyond float16's range \
            becomes ±inf and is refused. The tensors keep their names, shapes, order and the file's \
            metadata. A model directory whose model.safetensors is bfloat16 or float16 runs as it \
            is: the stages read the half-precision weights as stored (half the bytes per token) and \
            widen them exactly, so its outputs are those of the float32 model holding the rounded values.
            Example: tensor convert --dtype bf16 model/model.safetensors model-bf16/model.safetensors
            """)

    @Option(help: "f32, bf16 or f16.") var dtype: String
    @Argument(help: "The .safetensors file to read.") var input: String
    @Argument(help: "The .safetensors file to write (written whole or not at all).") var output: String

    func validate() throws {
        guard ["f32", "bf16", "f16"].contains(dtype) else { throw ValidationError("--dtype must be f32, bf16 or f16") }
        guard input.hasSuffix(".safetensors"), output.hasSuffix(".safetensors") else {
            throw ValidationError("expected IN.safetensors OUT.safetensors")
        }
    }

    func run() throws {
        limits.apply()
        let file = try SafeTensorsFile(path: input)
        let target: WeightMatrix.DType = dtype == "bf16" ? .bf16 : dtype == "f16" ? .f16 : .f32
        var tensors: [(String, VamosCore.Tensor)] = []
        for name in file.names {
            let t = try file.tensor(name)
            if target == .f16, let i = t.data.firstIndex(where: { abs($0) >= 65520 }) {
                throw VamosError("\(input): tensor '\(name)' value \(t.data[i]) at index \(i) is beyond float16's range (±65504)")
            }
            tensors.append((name, t))
        }
        try SafeTensorsWriter.write(tensors, metadata: file.metadata, dtype: target, to: output)
    }
}
