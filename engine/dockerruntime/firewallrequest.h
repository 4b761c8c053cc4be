#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace rr::dockerruntime {

// One request to the firewall helper (app/firewall, `reporunner-firewall`): a JSON line naming
// what RunFirewall should do for which engine's run. decode() is the helper's gate: it accepts
// only the three operations, names of the shape engines make, and the one bridge the owner and
// run name, so a caller can't point the helper at any other interface or chain.
struct FirewallRequest
{
    enum class Op
    {
        Install,
        Remove,
        Labels
    };

    Op op = Op::Labels;
    QString owner;
    QString runLabel; // empty for Labels
    QString bridge;   // Install only
    bool offline = false;

    QByteArray encode() const; // one line, '\n' included
    static core::Result<FirewallRequest> decode(const QByteArray &line);

    // The helper's answer: {"ok":true[,"labels":[...]]} or {"ok":false,"code","message","details"}.
    static QByteArray encodeReply(const core::Result<QStringList> &result);
    static core::Result<QStringList> decodeReply(const QByteArray &line);
};

} // namespace rr::dockerruntime
