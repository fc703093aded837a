import FuzzDriver
import VamosCore
#if canImport(Glibc)
import Glibc
#endif

/// Bytes as a .safetensors file: the header is checked before anything is allocated, every tensor
/// readable or refused with an error.
func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = "/tmp/vamos-fuzz-\(getpid()).safetensors"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, data, size)
    close(fd)
    defer { unlink(path) }
    guard let file = try? SafeTensorsFile(path: path) else { return 0 }
    for name in file.names { _ = try? file.tensor(name) }
    return 0
}

exit(runFuzzer { fuzzSafetensors($0, $1) })
