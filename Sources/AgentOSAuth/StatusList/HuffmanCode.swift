/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct HuffmanCode {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []

    /// Builds the code from code lengths; `nil` when over-subscribed, or incomplete without
    /// being the single-code case RFC 1951 allows.
    init?(lengths: [Int]) {
        for length in lengths { counts[length] += 1 }
        var left = 1
        for length in 1..<16 {
            left = left * 2 - counts[length]
            if left < 0 { return nil }
        }
        let used = lengths.count - counts[0]
        // Incomplete codes are only legal as no code at all (a block without matches needs no
        // distance code) or one code of length 1 (a single distance).
        if left > 0 && !(used == 0 || (used == 1 && counts[1] == 1)) { return nil }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        symbols = [Int](repeating: 0, count: used)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }
}
