/// Every error Vamos reports: one line for a person, naming the field and what was expected.
/// The stage executables prefix it with their own name (`encode: …`) and exit with status 1.
public struct VamosError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
