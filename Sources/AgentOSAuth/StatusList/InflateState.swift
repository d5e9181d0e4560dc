/// The decoder state of one ``ZlibInflater/inflate(_:maxOutput:)`` call: the input, the bit
/// reader and the output so far (RFC 1951 §3.2).
struct InflateState {
    let input: [UInt8]
    var position: Int
    let maxOutput: Int
    var output: [UInt8] = []
    private var bitBuffer: UInt32 = 0
    private var bitCount = 0

    init(input: [UInt8], position: Int, maxOutput: Int) {
        self.input = input
        self.position = position
        self.maxOutput = maxOutput
    }

    static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
        16385, 24577,
    ]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static let fixed: (HuffmanCode, HuffmanCode) = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Both fixed codes are complete by construction (30 distance codes of 5 bits plus the two
        // unused ones, 286-287 in the literal code), so the initialisers cannot fail.
        return (HuffmanCode(lengths: lengths)!, HuffmanCode(lengths: [Int](repeating: 5, count: 32))!)
    }()

    mutating func run() throws(ZlibInflater.Failure) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixed.0, Self.fixed.1)
            case 2:
                let (literals, distances) = try dynamicCodes()
                try codes(literals, distances)
            default: throw ZlibInflater.Failure(reason: "invalid block type")
            }
        }
        // The checksum starts at the next byte; unused bits of the last byte are dropped.
        bitBuffer = 0
        bitCount = 0
    }

    private mutating func bits(_ count: Int) throws(ZlibInflater.Failure) -> Int {
        while bitCount < count {
            guard position < input.count else { throw ZlibInflater.Failure(reason: "truncated stream") }
            bitBuffer |= UInt32(input[position]) << UInt32(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt32(count)) - 1))
        bitBuffer >>= UInt32(count)
        bitCount -= count
        return value
    }

    private mutating func stored() throws(ZlibInflater.Failure) {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw ZlibInflater.Failure(reason: "truncated stored block") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        position += 4
        guard length == ~complement & 0xFFFF else { throw ZlibInflater.Failure(reason: "stored block length check failed") }
        guard position + length <= input.count else { throw ZlibInflater.Failure(reason: "truncated stored block") }
        try reserve(length)
        output.append(contentsOf: input[position..<position + length])
        position += length
    }

    private mutating func reserve(_ count: Int) throws(ZlibInflater.Failure) {
        guard output.count + count <= maxOutput else {
            throw ZlibInflater.Failure(reason: "inflates past \(maxOutput) bytes")
        }
    }

    private mutating func decode(_ code: HuffmanCode) throws(ZlibInflater.Failure) -> Int {
        var value = 0
        var first = 0
        var index = 0
        for length in 1..<16 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - first < count { return code.symbols[index + value - first] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw ZlibInflater.Failure(reason: "invalid Huffman code")
    }

    private mutating func codes(_ literals: HuffmanCode, _ distances: HuffmanCode) throws(ZlibInflater.Failure) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try reserve(1)
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthSymbol = symbol - 257
            guard lengthSymbol < Self.lengthBase.count else { throw ZlibInflater.Failure(reason: "invalid length symbol") }
            let length = Self.lengthBase[lengthSymbol] + (try bits(Self.lengthExtra[lengthSymbol]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < Self.distanceBase.count else { throw ZlibInflater.Failure(reason: "invalid distance symbol") }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw ZlibInflater.Failure(reason: "distance before the start of the output") }
            try reserve(length)
            // Byte by byte: a copy may overlap the bytes it produces (distance < length).
            let start = output.count - distance
            for offset in 0..<length { output.append(output[start + offset]) }
        }
    }

    private mutating func dynamicCodes() throws(ZlibInflater.Failure) -> (HuffmanCode, HuffmanCode) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw ZlibInflater.Failure(reason: "too many length or distance codes") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengths[Self.codeLengthOrder[index]] = try bits(3) }
        guard let codeLengthCode = HuffmanCode(lengths: codeLengths), codeLengthCode.symbols.count > 0 else {
            throw ZlibInflater.Failure(reason: "invalid code-length code")
        }
        var lengths: [Int] = []
        let total = literalCount + distanceCount
        while lengths.count < total {
            let symbol = try decode(codeLengthCode)
            var repeated = 0
            var count = 1
            switch symbol {
            case 0..<16:
                lengths.append(symbol)
                continue
            case 16:
                guard let previous = lengths.last else { throw ZlibInflater.Failure(reason: "repeat with no previous length") }
                repeated = previous
                count = 3 + (try bits(2))
            case 17: count = 3 + (try bits(3))
            default: count = 11 + (try bits(7))
            }
            guard lengths.count + count <= total else { throw ZlibInflater.Failure(reason: "code lengths overflow") }
            lengths.append(contentsOf: repeatElement(repeated, count: count))
        }
        guard lengths[256] != 0 else { throw ZlibInflater.Failure(reason: "no end-of-block code") }
        guard let literals = HuffmanCode(lengths: Array(lengths[0..<literalCount])),
            let distances = HuffmanCode(lengths: Array(lengths[literalCount...]))
        else { throw ZlibInflater.Failure(reason: "invalid literal/length or distance code") }
        return (literals, distances)
    }
}
