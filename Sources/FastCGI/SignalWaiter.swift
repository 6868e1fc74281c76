#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM and SIGINT are blocked in every thread and collected here with `sigwait`, so
/// libfcgi's own handlers (installed by `FCGX_Init`) never run and shutdown happens
/// on our terms: stop accepting, let in-flight requests finish, exit.
public enum SignalWaiter {
    static var stopSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Blocks SIGTERM/SIGINT in the calling thread and in every thread it starts later;
    /// ignores SIGPIPE (a client that went away must not kill the process).
    public static func blockStopSignals() {
        var set = stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits until SIGTERM or SIGINT arrives and returns its number.
    public static func waitForStopSignal() -> Int32 {
        var set = stopSignals
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}

extension SignalWaiter {
    /// Waits up to `timeout` seconds for SIGTERM or SIGINT; nil when none came.
    public static func waitForStopSignal(timeout: Double) -> Int32? {
        var set = stopSignals
        var spec = timespec(tv_sec: Int(timeout), tv_nsec: Int((timeout - Double(Int(timeout))) * 1_000_000_000))
        let received = sigtimedwait(&set, nil, &spec)
        return received > 0 ? received : nil
    }
}
