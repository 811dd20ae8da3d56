#if canImport(CScalpelDNNL)
internal import CScalpelDNNL
#if canImport(Glibc)
import Glibc
#endif

/// A thin layer over oneDNN's 2.x C API: one CPU engine and stream, handles owned by classes
/// that destroy them in `deinit`, and a lock that serializes every oneDNN call.
///
/// oneDNN runs its own OpenMP team on the calling thread; calling it from one thread at a time
/// keeps libgomp from oversubscribing the cores and lets cached plans keep their memory objects
/// (whose data handles are set per call) without races.
final class DNNLContext: @unchecked Sendable {
    static let shared = DNNLContext()

    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// Cached plans, keyed by geometry; read and written only under the lock.
    var plans: [AnyHashable: AnyObject] = [:]
    /// The thread count the cached plans were made for (oneDNN partitions work at creation).
    private var planThreads: Int32 = 0

    private init() {
        var e: dnnl_engine_t?
        dnnlCheck(dnnl_engine_create(&e, dnnl_cpu, 0), "engine_create")
        engine = e!
        var s: dnnl_stream_t?
        dnnlCheck(dnnl_stream_create(&s, engine, dnnl_stream_default_flags.rawValue), "stream_create")
        stream = s!
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        dnnl_stream_destroy(stream)
        dnnl_engine_destroy(engine)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the oneDNN lock, with OpenMP set to `Engine.threads` on this thread
    /// (`omp_set_num_threads` is per calling thread, and callers may be on any thread).
    func withLock<R>(_ body: (DNNLContext) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let threads = Int32(Engine.threads)
        if omp_get_max_threads() != threads { omp_set_num_threads(threads) }
        if threads != planThreads {
            plans.removeAll()
            planThreads = threads
        }
        return body(self)
    }

    /// The cached plan for `key`, made by `make` on a miss (call under the lock).
    func plan<P: AnyObject>(_ key: AnyHashable, _ make: () -> P) -> P {
        if let p = plans[key] as? P { return p }
        if plans.count >= 512 { plans.removeAll() }  // shapes are few; a runaway set is reset
        let p = make()
        plans[key] = p
        return p
    }

    /// Executes `primitive` with `args` and waits for it.
    func execute(_ primitive: DNNLPrimitive, _ args: [(Int32, DNNLMemory)]) {
        var raw = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
        if let scratchpad = primitive.scratchpad { raw.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad.handle)) }
        dnnlCheck(dnnl_primitive_execute(primitive.handle, stream, Int32(raw.count), raw), "execute")
        dnnlCheck(dnnl_stream_wait(stream), "stream_wait")
    }
}

@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    if status != dnnl_success { fatalError("oneDNN \(what()) failed (status \(status.rawValue))") }
}

/// Calls `body` with a pointer to `value`, or with nil (optional C struct arguments).
func withOptionalPointer<T, R>(_ value: T?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard var v = value else { return body(nil) }
    return withUnsafePointer(to: &v) { body($0) }
}

/// A plain f32 memory descriptor with the given dims and format tag.
func dnnlMemoryDesc(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    let d = dims.map(Int64.init)
    dnnlCheck(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dnnl_f32, tag), "memory_desc_init \(dims)")
    return md
}

/// The activation tag for a 4-D tensor's format.
func dnnlActivationTag(_ format: MemoryFormat) -> dnnl_format_tag_t {
    format == .channelsLast ? dnnl_nhwc : dnnl_nchw
}

func dnnlSameDesc(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
    var a = a, b = b
    return dnnl_memory_desc_equal(&a, &b) != 0
}

/// Bytes a memory descriptor spans, and the same in Floats (rounded up).
func dnnlFloatCount(_ md: dnnl_memory_desc_t) -> Int {
    var md = md
    return (dnnl_memory_desc_get_size(&md) + 3) / 4
}

/// A primitive descriptor (owned).
final class DNNLPrimitiveDesc {
    let handle: dnnl_primitive_desc_t

    /// Creates a primitive descriptor from an operation descriptor (e.g. `dnnl_convolution_desc_t`).
    convenience init<D>(_ opDesc: inout D, hint: DNNLPrimitiveDesc? = nil, _ what: String) {
        let made = Self.create(&opDesc, hint: hint)
        dnnlCheck(made.status, "primitive_desc_create (\(what))")
        self.init(handle: made.handle!)
    }

    /// Creates a primitive descriptor whose attributes `configure` extends (post-ops), or nil when
    /// oneDNN has no implementation for that combination.
    convenience init?<D>(_ opDesc: inout D, configure: (dnnl_primitive_attr_t) -> Void) {
        let made = Self.create(&opDesc, hint: nil, configure: configure)
        guard made.status == dnnl_success, let handle = made.handle else { return nil }
        self.init(handle: handle)
    }

    private init(handle: dnnl_primitive_desc_t) { self.handle = handle }

    private static func create<D>(_ opDesc: inout D, hint: DNNLPrimitiveDesc?,
                                  configure: (dnnl_primitive_attr_t) -> Void = { _ in })
        -> (status: dnnl_status_t, handle: dnnl_primitive_desc_t?) {
        var pd: dnnl_primitive_desc_t?
        let status = withUserScratchpad { attr in
            configure(attr)
            return withUnsafeMutablePointer(to: &opDesc) { p in
                dnnl_primitive_desc_create(&pd, UnsafeRawPointer(p), attr, DNNLContext.shared.engine, hint?.handle)
            }
        }
        return (status, pd)
    }

    /// A reorder between two memory descriptors.
    init(reorderFrom src: dnnl_memory_desc_t, to dst: dnnl_memory_desc_t) {
        var pd: dnnl_primitive_desc_t?
        var s = src, d = dst
        let e = DNNLContext.shared.engine
        dnnlCheck(Self.withUserScratchpad { dnnl_reorder_primitive_desc_create(&pd, &s, e, &d, e, $0) },
                  "reorder_primitive_desc_create")
        handle = pd!
    }

    /// Primitive attributes asking for a user-provided scratchpad. oneDNN's default (library)
    /// scratchpad is shared per thread and sized when a primitive is created, so a cached
    /// primitive executed later from another thread overruns it; with its own scratchpad
    /// (`DNNLPrimitive.scratchpad`) a primitive may run on any thread (one at a time).
    private static func withUserScratchpad(_ body: (dnnl_primitive_attr_t) -> dnnl_status_t) -> dnnl_status_t {
        var attr: dnnl_primitive_attr_t?
        dnnlCheck(dnnl_primitive_attr_create(&attr), "primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attr) }
        dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        return body(attr!)
    }

    deinit { dnnl_primitive_desc_destroy(handle) }

    /// The memory descriptor of the queried argument (e.g. `dnnl_query_weights_md`).
    func md(_ what: dnnl_query_t, _ index: Int32 = 0) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(handle, what, index)!.pointee
    }
}

/// A primitive (owned), with the descriptor it was made from.
final class DNNLPrimitive {
    let desc: DNNLPrimitiveDesc
    let handle: dnnl_primitive_t

    /// The primitive's own scratchpad memory (nil when it needs none), passed on every execution.
    let scratchpad: DNNLMemory?
    private let scratchpadBuffer: Tensor?

    init(_ desc: DNNLPrimitiveDesc) {
        self.desc = desc
        var p: dnnl_primitive_t?
        dnnlCheck(dnnl_primitive_create(&p, desc.handle), "primitive_create")
        handle = p!
        let md = desc.md(dnnl_query_scratchpad_md)
        if dnnlFloatCount(md) > 0 {
            let buffer = Tensor(uninitialized: [dnnlFloatCount(md)])
            scratchpad = DNNLMemory(md).bind(buffer.pointer)
            scratchpadBuffer = buffer
        } else {
            scratchpad = nil
            scratchpadBuffer = nil
        }
    }

    deinit { dnnl_primitive_destroy(handle) }
}

/// A memory object without its own buffer: `bind` points it at a tensor's storage before
/// each execution (no copy).
final class DNNLMemory {
    let handle: dnnl_memory_t
    let desc: dnnl_memory_desc_t

    init(_ desc: dnnl_memory_desc_t) {
        self.desc = desc
        var md = desc
        var m: dnnl_memory_t?
        dnnlCheck(dnnl_memory_create(&m, &md, DNNLContext.shared.engine, scalpel_dnnl_memory_none()), "memory_create")
        handle = m!
    }

    deinit { dnnl_memory_destroy(handle) }

    @discardableResult
    func bind(_ pointer: UnsafeMutableRawPointer) -> DNNLMemory {
        dnnlCheck(dnnl_memory_set_data_handle(handle, pointer), "memory_set_data_handle")
        return self
    }

    @discardableResult
    func bind(_ pointer: UnsafeMutablePointer<Float>) -> DNNLMemory { bind(UnsafeMutableRawPointer(pointer)) }
}

/// Converts between a user layout (e.g. OIHW weights) and a primitive's preferred layout,
/// with the buffer that holds the primitive's side; a no-op when the layouts coincide.
final class DNNLLayoutPlan {
    let user: DNNLMemory
    let primitiveSide: DNNLMemory
    let reorder: DNNLPrimitive?
    /// The buffer behind `primitiveSide` when it differs from the user's.
    let buffer: Tensor?

    init(user: dnnl_memory_desc_t, primitiveSide: dnnl_memory_desc_t, toPrimitive: Bool) {
        self.user = DNNLMemory(user)
        if dnnlSameDesc(user, primitiveSide) {
            self.primitiveSide = self.user
            reorder = nil
            buffer = nil
        } else {
            self.primitiveSide = DNNLMemory(primitiveSide)
            let b = Tensor(uninitialized: [dnnlFloatCount(primitiveSide)])
            buffer = b
            self.primitiveSide.bind(b.pointer)
            reorder = DNNLPrimitive(toPrimitive ? DNNLPrimitiveDesc(reorderFrom: user, to: primitiveSide)
                                               : DNNLPrimitiveDesc(reorderFrom: primitiveSide, to: user))
        }
    }

    /// Binds the user buffer; for an input, reorders it into the primitiveSide layout. Returns the
    /// memory object the primitive should use.
    func prepareInput(_ context: DNNLContext, _ pointer: UnsafeMutablePointer<Float>) -> DNNLMemory {
        user.bind(pointer)
        if let reorder { context.execute(reorder, [(DNNL_ARG_FROM, user), (DNNL_ARG_TO, primitiveSide)]) }
        return primitiveSide
    }

    /// Binds the user buffer of an output; returns the memory object the primitive writes.
    func prepareOutput(_ pointer: UnsafeMutablePointer<Float>) -> DNNLMemory {
        user.bind(pointer)
        return primitiveSide
    }

    /// After the primitive ran: reorders an output from the primitiveSide layout into the user's.
    func finishOutput(_ context: DNNLContext) {
        if let reorder { context.execute(reorder, [(DNNL_ARG_FROM, primitiveSide), (DNNL_ARG_TO, user)]) }
    }
}
#endif
