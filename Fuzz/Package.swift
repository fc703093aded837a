// swift-tools-version:6.0
// libFuzzer targets for Vamos' readers (`make fuzz`; docs/ROBUSTNESS.md). A package of its own: a
// fuzz target has libFuzzer's entry point instead of `main`, and everything is built with
// -sanitize=fuzzer,address. The main package is used through a link named `vamos` (make fuzz
// creates it), so that its identity does not depend on where the repository is checked out.
import PackageDescription

let targets = ["fuzz-document", "fuzz-safetensors", "fuzz-config", "fuzz-sentencepiece"]

let package = Package(
    name: "VamosFuzz",
    dependencies: [.package(path: ".build/vamos")],
    targets: [.target(name: "FuzzDriver")] + targets.map {
        // lld: gold cannot link libFuzzer's runtime beside SwiftPM's renamed main.
        .executableTarget(name: $0, dependencies: ["FuzzDriver", .product(name: "VamosCore", package: "vamos")],
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
    }
)
