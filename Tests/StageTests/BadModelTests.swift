/// Bad model directories, one case per test: missing directory or config.json, corrupt or invalid
/// config.json, and model.safetensors files corrupted byte by byte in a copy of the tiny fixture
/// (truncated, header length past the end or over the limit, data_offsets out of range, overlapping
/// tensors, unknown dtype, a tensor whose shape disagrees with the config, a missing tensor).
/// Each must fail with status 1 and one stderr line naming the file and what is wrong.
import Foundation
import XCTest

final class BadModelTests: XCTestCase {
    /// Runs `stage --model DIR` with one good input document.
    private func stage(_ name: String, model: URL) throws -> RunResult {
        try runProcess(name, ["--model", model.path], stdin: try Documents.shared.input(of: name) + "\n")
    }

    private var weightsOfCopy: (URL, SafeTensorsBytes) {
        get throws {
            let dir = try copyOfModel()
            let file = dir.appendingPathComponent("model.safetensors")
            return (dir, try SafeTensorsBytes(file))
        }
    }

    // MARK: directory and config.json

    func testMissingModelDirectory() throws {
        let missing = try temporaryDirectory().appendingPathComponent("no-such-model")
        for name in Paths.stages {
            assertStageError(try stage(name, model: missing), stage: name, mentions: [missing.path, "does not exist"])
        }
    }

    func testModelDirectoryWithoutConfig() throws {
        let dir = try copyOfModel()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["config.json"])
    }

    func testModelDirectoryWithoutWeights() throws {
        let dir = try copyOfModel()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("encode", model: dir), stage: "encode", mentions: ["model.safetensors"])
    }

    func testModelDirectoryWithoutVocabulary() throws {
        let dir = try copyOfModel()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("vocab.json"))
        assertStageError(try stage("tokenize", model: dir), stage: "tokenize", mentions: ["vocab.json"])
    }

    func testCorruptConfig() throws {
        let dir = try copyOfModel()
        try Data(#"{"d_model": 2, "#.utf8).write(to: dir.appendingPathComponent("config.json"))
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["config.json", "JSON"])
    }

    func testConfigThatIsNotJSON() throws {
        let dir = try copyOfModel()
        try Data("d_model = 2\n".utf8).write(to: dir.appendingPathComponent("config.json"))
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["config.json", "not valid JSON"])
    }

    /// Heads that do not divide d_model.
    func testConfigHeadsNotDividingDModel() throws {
        let dir = try copyOfModel()
        try editFile(dir.appendingPathComponent("config.json"), replacing: #""encoder_attention_heads": 1"#, with: #""encoder_attention_heads": 3"#)
        assertStageError(try stage("encode", model: dir), stage: "encode",
                         mentions: ["config.json", "'encoder_attention_heads' (3)", "'d_model' (2)"])
    }

    func testConfigValueOfWrongType() throws {
        let dir = try copyOfModel()
        try editFile(dir.appendingPathComponent("config.json"), replacing: #""d_model": 2"#, with: #""d_model": "2""#)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["config.json", "'d_model'", "positive integer"])
    }

    func testConfigUnknownChoice() throws {
        let dir = try copyOfModel()
        try editFile(dir.appendingPathComponent("config.json"), replacing: #""positional_encoding": "sinusoidal_interleaved""#,
                     with: #""positional_encoding": "rotary""#)
        assertStageError(try stage("posenc", model: dir), stage: "posenc", mentions: ["config.json", "'positional_encoding'", "rotary"])
    }

    func testConfigMissingRequiredKey() throws {
        let dir = try copyOfModel()
        try editFile(dir.appendingPathComponent("config.json"), replacing: #""eos_token_id": 3,"#, with: "")
        assertStageError(try stage("decode", model: dir), stage: "decode", mentions: ["config.json", "'eos_token_id'"])
    }

    // MARK: model.safetensors

    /// Cut inside the data area: the last tensor's byte range now runs past the end.
    func testSafetensorsTruncatedInData() throws {
        let (dir, _) = try weightsOfCopy
        let file = dir.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - 16).write(to: file)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "data_offsets", "outside"])
    }

    /// Cut inside the header.
    func testSafetensorsTruncatedInHeader() throws {
        let (dir, _) = try weightsOfCopy
        let file = dir.appendingPathComponent("model.safetensors")
        try (try Data(contentsOf: file)).prefix(200).write(to: file)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "header length", "past the end"])
    }

    /// Shorter than the 8-byte header length.
    func testSafetensorsShorterThanItsHeaderLength() throws {
        let (dir, _) = try weightsOfCopy
        let file = dir.appendingPathComponent("model.safetensors")
        try Data([1, 2, 3, 4, 5]).write(to: file)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "too short"])
    }

    func testSafetensorsHeaderLengthLargerThanTheFile() throws {
        let (dir, st) = try weightsOfCopy
        try st.write(to: dir.appendingPathComponent("model.safetensors"), headerLength: 1_000_000)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "1000000", "past the end"])
    }

    func testSafetensorsHeaderLengthOverTheLimit() throws {
        let (dir, st) = try weightsOfCopy
        try st.write(to: dir.appendingPathComponent("model.safetensors"), headerLength: 1 << 62)
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "header length", "limit"])
    }

    func testSafetensorsHeaderNotJSON() throws {
        var (dir, st) = try weightsOfCopy
        st.header = String(repeating: "x", count: st.header.utf8.count)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed", mentions: ["model.safetensors", "header", "JSON"])
    }

    func testSafetensorsDataOffsetsOutOfRange() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[160,192]}"#,
                       with: #""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[4000,4032]}"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "[4000, 4032]", "data area"])
    }

    func testSafetensorsDataOffsetsReversed() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""data_offsets":[160,192]"#, with: #""data_offsets":[192,160]"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "[192, 160]"])
    }

    /// Two tensors claiming overlapping bytes.
    func testSafetensorsOverlappingTensors() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.layers.0.self_attn.k_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[192,208]}"#,
                       with: #""model.encoder.layers.0.self_attn.k_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[180,196]}"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "overlap", "model.encoder.embed_tokens.weight", "model.encoder.layers.0.self_attn.k_proj.weight"])
    }

    /// An overlap must be found even when an empty tensor sorts between the two overlapping ones.
    func testSafetensorsOverlapBehindAnEmptyTensor() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.layers.0.self_attn.k_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[192,208]}"#,
                       with: #""model.encoder.layers.0.self_attn.k_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[180,196]},"#
                           + #""zz.empty":{"dtype":"F32","shape":[0],"data_offsets":[170,170]}"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "overlap", "model.encoder.embed_tokens.weight", "model.encoder.layers.0.self_attn.k_proj.weight"])
    }

    func testSafetensorsUnknownDtype() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.embed_tokens.weight":{"dtype":"F32""#, with: #""model.encoder.embed_tokens.weight":{"dtype":"Q4K""#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "dtype", "Q4K"])
    }

    /// A byte range that does not match shape × dtype size.
    func testSafetensorsByteCountDisagreesWithShape() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[4,2]"#,
                       with: #""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[4,3]"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "[4, 3]"])
    }

    /// Same bytes, transposed shape: valid safetensors, but not what config.json implies.
    func testSafetensorsTensorShapeDisagreesWithConfig() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[4,2]"#,
                       with: #""model.encoder.embed_tokens.weight":{"dtype":"F32","shape":[2,4]"#)
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "[2, 4]", "[4, 2]"])
    }

    func testSafetensorsMissingTensor() throws {
        var (dir, st) = try weightsOfCopy
        try st.replace(#""model.encoder.layers.0.self_attn.q_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[224,240]},"#, with: "")
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("encode", model: dir), stage: "encode",
                         mentions: ["model.safetensors", "model.encoder.layers.0.self_attn.q_proj.weight", "missing"])
    }

    /// A weight holding NaN (valid safetensors, unusable model).
    func testSafetensorsNonFiniteWeight() throws {
        var (dir, st) = try weightsOfCopy
        st.data.replaceSubrange(160..<164, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Data($0) })
        try st.write(to: dir.appendingPathComponent("model.safetensors"))
        assertStageError(try stage("embed", model: dir), stage: "embed",
                         mentions: ["model.safetensors", "model.encoder.embed_tokens.weight", "non-finite"])
    }
}
