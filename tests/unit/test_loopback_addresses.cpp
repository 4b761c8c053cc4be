// Per-run preview addresses (issue 11 §5): in 127.77.0.0/16, stable for a run, unique among the
// active runs, given back at release; and the Docker firewall's names fit the kernel's limits.
#include "dockerruntime/runfirewall.h"
#include "runtime/loopbackaddresses.h"

#include <QHostAddress>
#include <QSet>
#include <QTest>

using rr::runtime::LoopbackAddresses;

class TestLoopbackAddresses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stableAndInRange()
    {
        const QString key = LoopbackAddresses::runKey(QStringLiteral("engine-1"), QStringLiteral("abc12345"));
        const QString first = LoopbackAddresses::acquire(key);
        QVERIFY2(LoopbackAddresses::isRunAddress(first), qPrintable(first));
        QVERIFY(QHostAddress(first).isLoopback());
        QCOMPARE(LoopbackAddresses::acquire(key), first);
        LoopbackAddresses::release(key);
        QCOMPARE(LoopbackAddresses::acquire(key), first); // a hash, not a counter: same after release
        LoopbackAddresses::release(key);
    }

    void uniqueAmongActiveRuns()
    {
        QSet<QString> seen;
        QStringList keys;
        for (int i = 0; i < 2000; ++i) {
            keys << LoopbackAddresses::runKey(QStringLiteral("engine-2"), QStringLiteral("run%1").arg(i));
            const QString a = LoopbackAddresses::acquire(keys.last());
            QVERIFY2(!seen.contains(a), qPrintable(a));
            QVERIFY(LoopbackAddresses::isRunAddress(a));
            seen.insert(a);
        }
        for (const QString &k : std::as_const(keys))
            LoopbackAddresses::release(k);
    }

    void adoptKeepsAFreeAddressOnly()
    {
        const QString mine = LoopbackAddresses::runKey(QString(), QStringLiteral("mine"));
        const QString other = LoopbackAddresses::runKey(QString(), QStringLiteral("other"));
        QCOMPARE(LoopbackAddresses::adopt(mine, QStringLiteral("127.77.200.7")),
                 QStringLiteral("127.77.200.7"));
        // Held by `mine`: `other` gets its own instead.
        QVERIFY(LoopbackAddresses::adopt(other, QStringLiteral("127.77.200.7")) !=
                QStringLiteral("127.77.200.7"));
        // Not a run address: ignored.
        LoopbackAddresses::release(other);
        QVERIFY(LoopbackAddresses::adopt(other, QStringLiteral("127.0.0.1")) != QStringLiteral("127.0.0.1"));
        LoopbackAddresses::release(mine);
        LoopbackAddresses::release(other);
        QVERIFY(!LoopbackAddresses::isRunAddress(QStringLiteral("127.77.1.0")));
        QVERIFY(!LoopbackAddresses::isRunAddress(QStringLiteral("127.77.1.255")));
        QVERIFY(!LoopbackAddresses::isRunAddress(QStringLiteral("127.78.1.1")));
    }

    void firewallNamesFitTheKernel()
    {
        const rr::dockerruntime::RunFirewall a(QStringLiteral("engine-a"), QStringLiteral("run1"));
        const rr::dockerruntime::RunFirewall b(QStringLiteral("engine-b"), QStringLiteral("run1"));
        QVERIFY(a.bridge().size() <= 15); // IFNAMSIZ - 1
        QVERIFY(a.forwardChain().size() <= 28);
        QVERIFY(a.inputChain().size() <= 28);
        QVERIFY(a.bridge() != b.bridge()); // two engines, same run id: different bridges
        QVERIFY(a.forwardChain() != b.forwardChain());
        QCOMPARE(a.forwardChain().mid(3, 10), a.inputChain().mid(3, 10)); // the engine's part
    }
};

QTEST_GUILESS_MAIN(TestLoopbackAddresses)
#include "test_loopback_addresses.moc"
