#pragma once

#include <QString>

namespace rr::runtime {

// Each run previews on its own loopback address from 127.77.0.0/16, so the previews of two runs,
// and the user's own apps on 127.0.0.1, are different sites to a browser (cookies and storage are
// kept per host, not per port). Linux routes all of 127.0.0.0/8 to `lo`: nothing needs setting up.
// The address of a run follows from a hash of its key (stable across engine restarts) and moves
// to the next free one only when another active run of this process already holds it.
// Thread-safe; the table is process-wide so both runtimes of one engine share it.
class LoopbackAddresses final
{
public:
    static constexpr const char *Prefix = "127.77.";

    // The key of a run: its engine's id and the run id.
    static QString runKey(const QString &owner, const QString &runId);
    // The run's address, taken for it until release(); the same one on every call.
    static QString acquire(const QString &runKey);
    // Takes `address` for the run when it is free (a deployment found already running on it);
    // returns the address the run ends up with.
    static QString adopt(const QString &runKey, const QString &address);
    static void release(const QString &runKey);
    // True for 127.77.x.y with y in 1..254 (what acquire() hands out).
    static bool isRunAddress(const QString &address);

private:
    static QString preferred(const QString &runKey);
};

} // namespace rr::runtime
