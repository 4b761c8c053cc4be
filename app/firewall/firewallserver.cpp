#include "firewallserver.h"

#include "core/promises.h"
#include "dockerruntime/firewallrequest.h"
#include "dockerruntime/runfirewall.h"

#include <QDebug>
#include <QFile>
#include <QLocalSocket>
#include <QTimer>

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace rr::firewall {

namespace {

using core::ErrorCategory;
using dockerruntime::FirewallRequest;
using dockerruntime::RunFirewall;

constexpr qsizetype MaxRequest = 4096;
constexpr int IdleMs = 10000;

core::Result<QStringList> perform(const FirewallRequest &r)
{
    auto done = [](const core::Result<void> &result) -> core::Result<QStringList> {
        if (!result)
            return core::fail(result.error());
        return QStringList{};
    };
    switch (r.op) {
    case FirewallRequest::Op::Install:
        return done(RunFirewall(r.owner, r.runLabel).install(r.bridge, r.offline));
    case FirewallRequest::Op::Remove:
        return done(RunFirewall(r.owner, r.runLabel).remove());
    case FirewallRequest::Op::Labels:
        break;
    }
    return RunFirewall::runLabels(r.owner);
}

// Whether the connected process holds `group` (its own group or a supplementary one): what the
// kernel also checks before it lets a process use Docker's socket.
bool peerHoldsGroup(int descriptor, gid_t processGroup, gid_t group)
{
    if (processGroup == group)
        return true;
    std::vector<gid_t> groups(64);
    socklen_t length = socklen_t(groups.size() * sizeof(gid_t));
    if (::getsockopt(descriptor, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) != 0) {
        if (errno != ERANGE)
            return false;
        groups.resize(length / sizeof(gid_t));
        if (::getsockopt(descriptor, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) != 0)
            return false;
    }
    groups.resize(length / sizeof(gid_t));
    return std::find(groups.begin(), groups.end(), group) != groups.end();
}

} // namespace

FirewallServer::FirewallServer(gid_t allowedGroup, QObject *parent)
    : QObject(parent)
    , m_allowedGroup(allowedGroup)
{
    m_pool.setMaxThreadCount(1);
    connect(&m_server, &QLocalServer::newConnection, this, &FirewallServer::onConnection);
}

core::Result<void> FirewallServer::adopt(qintptr descriptor)
{
    if (!m_server.listen(descriptor))
        return core::fail(
            ErrorCategory::Io, QStringLiteral("firewall.listen"),
            QStringLiteral("Cannot serve the socket systemd passed: %1").arg(m_server.errorString()));
    return {};
}

core::Result<void> FirewallServer::listen(const QString &path)
{
    QLocalServer::removeServer(path);
    if (!m_server.listen(path))
        return core::fail(ErrorCategory::Io, QStringLiteral("firewall.listen"),
                          QStringLiteral("Cannot listen on %1: %2").arg(path, m_server.errorString()));
    const QByteArray native = QFile::encodeName(path);
    if (::chown(native.constData(), 0, m_allowedGroup) != 0 || ::chmod(native.constData(), 0660) != 0)
        return core::fail(ErrorCategory::Io, QStringLiteral("firewall.listen"),
                          QStringLiteral("Cannot give %1 to the allowed group.").arg(path));
    return {};
}

core::Result<void> FirewallServer::checkPeer(qintptr descriptor) const
{
    ucred peer = {};
    socklen_t length = sizeof peer;
    if (::getsockopt(int(descriptor), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0)
        return core::fail(ErrorCategory::Io, QStringLiteral("firewall.untrusted_peer"),
                          QStringLiteral("The firewall helper cannot tell who is asking."));
    if (peer.uid == 0 || peerHoldsGroup(int(descriptor), peer.gid, m_allowedGroup))
        return {};
    return core::fail(
        ErrorCategory::Io, QStringLiteral("firewall.untrusted_peer"),
        QStringLiteral("The firewall helper serves root and processes of group %1 only, not uid %2.")
            .arg(m_allowedGroup)
            .arg(peer.uid));
}

void FirewallServer::onConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(IdleMs, socket, [socket] { socket->abort(); }); // a caller that never asks
        connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
            if (socket->property("answered").toBool())
                return;
            if (!socket->canReadLine() && socket->bytesAvailable() <= MaxRequest)
                return; // the rest of the line is still on its way
            socket->setProperty("answered", true);
            const QByteArray line = socket->readLine(MaxRequest);
            // Read before refusing: closing with unread bytes would reset the connection, and
            // the caller would never see why.
            auto answer = [socket](const core::Result<QStringList> &result) {
                socket->write(FirewallRequest::encodeReply(result));
                socket->disconnectFromServer();
            };
            if (auto allowed = checkPeer(socket->socketDescriptor()); !allowed)
                return answer(core::fail(allowed.error()));
            auto request = FirewallRequest::decode(line);
            if (!request)
                return answer(core::fail(request.error()));
            qInfo().noquote() << "request:" << QString::fromUtf8(request->encode().trimmed());
            core::promises::whenFinished(
                socket, core::promises::onPool(&m_pool, [r = *request] { return perform(r); }), answer);
        });
    }
}

} // namespace rr::firewall
