// swift-tools-version:6.0
// Vamos: an encoder–decoder Transformer as a pipeline of small stage executables.
import PackageDescription

let stages = ["tokenize", "embed", "posenc", "encode", "decode", "detokenize"]
/// Tools around the pipeline.
let tools = ["train", "tensor", "attribute"]

/// The Swift runtime linked into each stage executable (Linux): a stage maps only the runtime pages it
/// uses — ~9 MiB less resident memory than loading libswiftCore and friends whole (Benchmarks/README.md,
/// "Memory"); for the same reason the core imports no Foundation (ArgumentParser needs only
/// FoundationEssentials, whose two helper libraries are named here because a static link does not
/// find them by itself). `train` too (its whole process is benchmarked); `tensor` and `attribute`
/// use Foundation and stay dynamic.
let staticRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib"], .when(platforms: [.linux])),
    .linkedLibrary("_FoundationCollections", .when(platforms: [.linux])),
    .linkedLibrary("_FoundationCShims", .when(platforms: [.linux])),
    .linkedLibrary("swiftSynchronization", .when(platforms: [.linux])),
]

let package = Package(
    name: "Vamos",
    products: [
        .library(name: "VamosCore", targets: ["VamosCore"]),
    ] + (stages + tools).map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // json-c: every JSON document, config.json, vocabulary and safetensors header goes through it.
        .systemLibrary(
            name: "CJSONC",
            pkgConfig: "json-c",
            providers: [.apt(["libjson-c-dev"]), .brew(["json-c"])]
        ),
        // Vamos' own kernels: matrix products with one canonical summation order, the elementary
        // functions, the worker threads (docs/NUMERICS.md). No contraction into FMA behind our back,
        // no fast-math: every variant and every machine computes the same bits.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-ffp-contract=off", "-fno-fast-math", "-O2"])]
        ),
        // The strict JSON reader in front of json-c and float32 ⇄ text (C++17: std::from_chars and
        // std::to_chars): big numeric arrays never become json-c objects (docs/FORMAT.md §9).
        .target(name: "CTensorText", dependencies: ["CKernels"]),
        // Small system calls Swift cannot make directly (an atomic directory swap).
        .target(name: "CSystem"),
        // SentencePiece (Debian's libsentencepiece-dev, C++): a small shim with C linkage, so that
        // opus-mt's source.spm / target.spm split and join text exactly as MarianTokenizer does.
        .target(
            name: "CSentencePiece",
            linkerSettings: [.linkedLibrary("sentencepiece")]
        ),
        // All the math, the document format, models and vocabularies.
        .target(name: "VamosCore", dependencies: ["CJSONC", "CKernels", "CSystem", "CSentencePiece", "CTensorText"]),
        // What every stage executable shares: stream loop, errors, common options.
        .target(name: "VamosCLI", dependencies: [
            "VamosCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Unit, reference and golden tests of the core.
        .testTarget(name: "VamosCoreTests", dependencies: ["VamosCore"]),
        // Tests that run the built stage executables: pipelines and bad input.
        .testTarget(name: "StageTests", dependencies: ["VamosCore"]),
    ] + (stages + tools).map {
        .executableTarget(name: $0, dependencies: [
            "VamosCore", "VamosCLI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: stages.contains($0) || $0 == "train" ? staticRuntime : [])
    },
    cxxLanguageStandard: .cxx17
)
