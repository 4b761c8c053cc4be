#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace rr::dockerruntime {

// The host firewall rules that isolate one Docker run (docs/security.md): two iptables chains of
// the engine's own, jumped to from DOCKER-USER (traffic the run's bridge forwards) and INPUT
// (traffic to the host itself, its gateway address included), for packets entering from the
// run's bridge only.
//   RRF-<engine>-<run>: the run's own bridge passes; other bridges and plan::BlockedRanges
//                       (LAN, link-local/metadata, CGNAT, other runs...) are dropped; offline
//                       runs drop everything else too.
//   RRI-<engine>-<run>: replies to connections the host opened (previews) pass; all else drops.
// The jumps carry the comment "reporunner engine=<owner> run=<run label>", so the engine that
// owns them finds its runs after a crash and removes exactly its own. Blocking (runs iptables
// with -w); call it on a worker thread.
class RunFirewall final
{
public:
    RunFirewall(QString owner, QString runLabel);

    // The host interface name of the run's bridge: rr-<12 hex of owner and run>.
    QString bridge() const;
    QString forwardChain() const;
    QString inputChain() const;

    // Puts the run's rules in place for `bridge`, unless both jumps already exist.
    core::Result<void> install(const QString &bridge, bool offline);
    // Removes the run's jumps and chains; nothing there is not an error.
    core::Result<void> remove();
    // Whether both jumps are in place.
    bool installed();

    // Run labels that have jumps of `owner`'s; removes chains of its that no jump uses.
    static core::Result<QStringList> runLabels(const QString &owner);
    // The iptables program (REPORUNNER_IPTABLES, else "iptables", as dockerd uses).
    static QString program();

private:
    struct Output
    {
        int exitCode = -1;
        QString text;
    };
    static Output iptables(const QStringList &args);
    static core::Result<void> must(const QStringList &args);
    static QString ownerHash(const QString &owner);
    static QString comment(const QString &owner, const QString &runLabel);
    core::Result<void> removeJumps(const QString &parent, const QString &chain);

    QString m_owner;
    QString m_runLabel;
    QString m_hash;
};

} // namespace rr::dockerruntime
