#pragma once

#include <QSet>
#include <QString>

namespace rr::dockerruntime {

// Picks the local ports a run publishes on its loopback address (PRODUCT.md §7): the first free
// one of plan::LocalPort's candidates (the preferred port and the next few above it, the
// container port if >= 1024), else any free port. "Free" means we could bind it on that address
// just now; nothing that holds a port is ever disturbed.
class PortAllocator final
{
public:
    // `address` is a dotted IPv4 loopback address (the run's, or 127.0.0.1).
    explicit PortAllocator(QString address = QStringLiteral("127.0.0.1"));

    // `protocol` is "tcp" or "udp" (case-insensitive).
    static bool isFree(const QString &address, int port, const QString &protocol);
    // A port the kernel handed out on `address`, or 0 when binding failed.
    static int anyFreePort(const QString &address, const QString &protocol);

    // Applies the rule, never returning a port this allocator already handed out.
    int choose(int published, int containerPort, const QString &protocol);

private:
    bool available(int port, const QString &protocol) const;

    QString m_address;
    QSet<QString> m_taken; // "tcp/8080"
};

} // namespace rr::dockerruntime
