#include "runtime/loopbackaddresses.h"

#include <QCryptographicHash>
#include <QHash>
#include <QMutex>

namespace rr::runtime {

namespace {

constexpr int HostsPerBlock = 254; // x.1 .. x.254: no .0 or .255 to confuse anyone
constexpr int Slots = 256 * HostsPerBlock;

struct Table
{
    QMutex mutex;
    QHash<QString, QString> byRun;     // run key -> address
    QHash<QString, QString> byAddress; // address -> run key
};

Table &table()
{
    static Table t;
    return t;
}

QString addressOfSlot(int slot)
{
    return QLatin1String(LoopbackAddresses::Prefix) + QString::number(slot / HostsPerBlock) +
           QLatin1Char('.') + QString::number(slot % HostsPerBlock + 1);
}

int slotOf(const QString &runKey)
{
    const QByteArray digest = QCryptographicHash::hash(runKey.toUtf8(), QCryptographicHash::Sha256);
    const quint32 n = (quint32(quint8(digest.at(0))) << 16) | (quint32(quint8(digest.at(1))) << 8) |
                      quint32(quint8(digest.at(2)));
    return int(n % Slots);
}

} // namespace

QString LoopbackAddresses::runKey(const QString &owner, const QString &runId)
{
    return owner + QLatin1Char('/') + runId;
}

QString LoopbackAddresses::preferred(const QString &runKey)
{
    return addressOfSlot(slotOf(runKey));
}

QString LoopbackAddresses::acquire(const QString &runKey)
{
    Table &t = table();
    QMutexLocker lock(&t.mutex);
    if (const QString held = t.byRun.value(runKey); !held.isEmpty())
        return held;
    const int first = slotOf(runKey);
    for (int i = 0; i < Slots; ++i) {
        const QString address = addressOfSlot((first + i) % Slots);
        if (t.byAddress.contains(address))
            continue;
        t.byRun.insert(runKey, address);
        t.byAddress.insert(address, runKey);
        return address;
    }
    return QStringLiteral("127.0.0.1"); // 65 024 active runs: never in practice
}

QString LoopbackAddresses::adopt(const QString &runKey, const QString &address)
{
    Table &t = table();
    {
        QMutexLocker lock(&t.mutex);
        const QString holder = t.byAddress.value(address);
        if (isRunAddress(address) && (holder.isEmpty() || holder == runKey)) {
            t.byAddress.remove(t.byRun.value(runKey));
            t.byRun.insert(runKey, address);
            t.byAddress.insert(address, runKey);
            return address;
        }
    }
    return acquire(runKey);
}

void LoopbackAddresses::release(const QString &runKey)
{
    Table &t = table();
    QMutexLocker lock(&t.mutex);
    t.byAddress.remove(t.byRun.take(runKey));
}

bool LoopbackAddresses::isRunAddress(const QString &address)
{
    if (!address.startsWith(QLatin1String(Prefix)))
        return false;
    const QStringList parts = address.mid(int(qstrlen(Prefix))).split(QLatin1Char('.'));
    bool okA = false, okB = false;
    const int a = parts.value(0).toInt(&okA);
    const int b = parts.value(1).toInt(&okB);
    return parts.size() == 2 && okA && okB && a >= 0 && a <= 255 && b >= 1 && b <= HostsPerBlock;
}

} // namespace rr::runtime
