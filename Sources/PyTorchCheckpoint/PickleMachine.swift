/// A pickle interpreter that understands only what a PyTorch state dict needs (protocols 2–5):
/// None, booleans, ints, floats, strings, bytes, tuples, lists, dicts, the memo, persistent ids
/// for storages, and REDUCE/NEWOBJ/BUILD of the globals in `TorchGlobal`. Any other opcode or
/// global is refused by name. Nothing is executed and nothing recursive is built; the stack,
/// memo and strings are bounded by the pickle's own length.
struct PickleMachine {
    /// What the pickle built, shared by the tensors it refers to.
    var heap = PickleHeap()
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Runs the pickle starting at `cursor.position` up to its STOP, leaving the cursor after
    /// it, and returns the pickled object.
    mutating func run(_ cursor: inout ByteCursor) throws(Malformed) -> PickleValue {
        stack.removeAll(keepingCapacity: true)
        marks.removeAll()
        memo.removeAll()
        while true {
            let at = cursor.position
            let op = try cursor.u8("pickle opcode")
            do {
                if let result = try step(op, &cursor) { return result }
            } catch {
                throw Malformed("pickle offset \(at) (opcode 0x\(String(op, radix: 16))): \(error.reason)")
            }
        }
    }

    /// Executes one opcode; returns the result at STOP.
    private mutating func step(_ op: UInt8, _ c: inout ByteCursor) throws(Malformed) -> PickleValue? {
        switch op {
        case 0x80: _ = try c.u8("protocol")  // PROTO
        case 0x95: _ = try c.uint(8, "frame length")  // FRAME
        case 0x2E:  // STOP
            guard marks.isEmpty, stack.count == 1 else { throw Malformed("STOP with \(stack.count) values on the stack") }
            return stack.removeLast()
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: stack.append(try top())  // DUP
        case 0x4E: stack.append(.none)
        case 0x88: stack.append(.bool(true))
        case 0x89: stack.append(.bool(false))
        case 0x4A: stack.append(.int(try c.int(4, "BININT")))
        case 0x4B: stack.append(.int(Int64(try c.uint(1, "BININT1"))))
        case 0x4D: stack.append(.int(Int64(try c.uint(2, "BININT2"))))
        case 0x8A: stack.append(try long(Int(try c.uint(1, "LONG1 length")), &c))
        case 0x8B: stack.append(try long(Int(try c.uint(4, "LONG4 length")), &c))
        case 0x47: stack.append(.float(Double(bitPattern: try bigEndian(&c))))  // BINFLOAT
        case 0x58: stack.append(.string(try utf8(&c, Int(try c.uint(4, "BINUNICODE length")))))
        case 0x8C: stack.append(.string(try utf8(&c, Int(try c.uint(1, "SHORT_BINUNICODE length")))))
        case 0x8D: stack.append(.string(try utf8(&c, try length8(&c))))
        case 0x54: stack.append(.string(latin1(try c.slice(Int(try c.uint(4, "BINSTRING length")), "BINSTRING"))))
        case 0x55: stack.append(.string(latin1(try c.slice(Int(try c.uint(1, "SHORT_BINSTRING length")), "SHORT_BINSTRING"))))
        case 0x42: stack.append(.bytes(Array(try c.slice(Int(try c.uint(4, "BINBYTES length")), "BINBYTES"))))
        case 0x43: stack.append(.bytes(Array(try c.slice(Int(try c.uint(1, "SHORT_BINBYTES length")), "SHORT_BINBYTES"))))
        case 0x8E, 0x96: stack.append(.bytes(Array(try c.slice(try length8(&c), "BINBYTES8"))))
        case 0x29: stack.append(heap.tuple([]))  // EMPTY_TUPLE
        case 0x74: stack.append(heap.tuple(try popMark()))  // TUPLE
        case 0x85, 0x86, 0x87:  // TUPLE1-3
            let n = Int(op - 0x84)
            guard stack.count - (marks.last ?? 0) >= n else { throw Malformed("TUPLE\(n) with too few values") }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            stack.append(heap.tuple(items))
        case 0x5D: heap.lists.append([]); stack.append(.list(heap.lists.count - 1))  // EMPTY_LIST
        case 0x6C: heap.lists.append(try popMark()); stack.append(.list(heap.lists.count - 1))  // LIST
        case 0x61: try append([try pop()])  // APPEND
        case 0x65: try append(try popMark())  // APPENDS
        case 0x7D: heap.dicts.append(PickleDict()); stack.append(.dict(heap.dicts.count - 1))  // EMPTY_DICT
        case 0x64:  // DICT
            heap.dicts.append(PickleDict())
            let d = heap.dicts.count - 1
            try setItems(d, try popMark())
            stack.append(.dict(d))
        case 0x73: let v = try pop(), k = try pop(); try setItems(try dictOnTop(), [k, v])  // SETITEM
        case 0x75: let items = try popMark(); try setItems(try dictOnTop(), items)  // SETITEMS
        case 0x71: memo[Int(try c.uint(1, "BINPUT index"))] = try top()
        case 0x72: memo[Int(try c.uint(4, "LONG_BINPUT index"))] = try top()
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case 0x68: stack.append(try recall(Int(try c.uint(1, "BINGET index"))))
        case 0x6A: stack.append(try recall(Int(try c.uint(4, "LONG_BINGET index"))))
        case 0x63:  // GLOBAL
            let module = try line(&c), name = try line(&c)
            stack.append(.global(try global(module, name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .string(let m) = module, case .string(let n) = name else {
                throw Malformed("STACK_GLOBAL needs two strings, found \(module.kind) and \(name.kind)")
            }
            stack.append(.global(try global(m, n)))
        case 0x52, 0x81:  // REDUCE, NEWOBJ
            let arguments = try pop(), callable = try pop()
            guard case .global(let g) = callable else { throw Malformed("cannot call a \(callable.kind)") }
            guard case .tuple(let t) = arguments else { throw Malformed("arguments of \(g.fullName) are a \(arguments.kind)") }
            stack.append(try heap.call(g, heap.tuples[t]))
        case 0x62:  // BUILD: an OrderedDict's state holds attributes such as `_metadata`, not items; ignored.
            let state = try pop(), object = try top()
            guard case .dict = object, case .dict = state else {
                throw Malformed("BUILD of a \(object.kind) with a \(state.kind) state is not allowed")
            }
        case 0x51:  // BINPERSID
            stack.append(try heap.persistentLoad(try pop()))
        default:
            throw Malformed("opcode \(Self.names[op].map { "\($0) " } ?? "")not allowed in a state dict")
        }
        return nil
    }

    private mutating func pop() throws(Malformed) -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw Malformed("stack underflow") }
        return stack.removeLast()
    }

    private func top() throws(Malformed) -> PickleValue {
        guard stack.count > (marks.last ?? 0), let v = stack.last else { throw Malformed("stack underflow") }
        return v
    }

    private mutating func popMark() throws(Malformed) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw Malformed("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func recall(_ index: Int) throws(Malformed) -> PickleValue {
        guard let v = memo[index] else { throw Malformed("memo entry \(index) was never stored") }
        return v
    }

    private mutating func append(_ items: [PickleValue]) throws(Malformed) {
        guard case .list(let l) = try top() else { throw Malformed("APPEND to a \(try top().kind)") }
        heap.lists[l].append(contentsOf: items)
    }

    private func dictOnTop() throws(Malformed) -> Int {
        guard case .dict(let d) = try top() else { throw Malformed("SETITEM on a \(try top().kind)") }
        return d
    }

    private mutating func setItems(_ d: Int, _ items: [PickleValue]) throws(Malformed) {
        guard items.count % 2 == 0 else { throw Malformed("odd number of values for dict items") }
        for i in stride(from: 0, to: items.count, by: 2) {
            let key: PickleKey = switch items[i] {
            case .string(let s): .string(s)
            case .int(let n): .int(n)
            case .none: .other("None")
            case .bool(let b): .other(b ? "True" : "False")
            default: throw Malformed("dict key is a \(items[i].kind)")
            }
            heap.dicts[d].set(key, items[i + 1])
        }
    }
}
