#include "githubapistandin.h"

#include "scratchrepo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace rr::test {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

} // namespace

GitHubApiStandIn::GitHubApiStandIn(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &GitHubApiStandIn::onNewConnection);
}

GitHubApiStandIn::~GitHubApiStandIn()
{
    // Sockets closing during destruction must not reach the buffers, which are gone by then.
    for (QTcpSocket *socket : findChildren<QTcpSocket *>() + m_server.findChildren<QTcpSocket *>())
        socket->disconnect(this);
}

bool GitHubApiStandIn::listen()
{
    return m_server.listen(QHostAddress::LocalHost);
}

QString GitHubApiStandIn::base() const
{
    return QStringLiteral("http://127.0.0.1:%1/").arg(m_server.serverPort());
}

QString GitHubApiStandIn::serveRepository(const QString &owner, const QString &repo, ScratchRepo &scratch,
                                          const QString &branch)
{
    const QString commit = scratch.git({QStringLiteral("rev-parse"), branch});
    const QString prefix = QStringLiteral("/repos/%1/%2").arg(owner, repo);
    setAnswer(prefix,
              {200, QJsonDocument(QJsonObject{{QStringLiteral("default_branch"), branch}}).toJson(), {}});
    setAnswer(prefix + QStringLiteral("/commits/") + branch, {200, commit.toLatin1(), {}});
    setAnswer(prefix + QStringLiteral("/commits/") + commit, {200, commit.toLatin1(), {}});
    // `git ls-tree -r -l`: "<mode> <type> <object> <size>\t<path>", as the trees API lists them.
    QJsonArray tree;
    const QString listing =
        scratch.git({QStringLiteral("ls-tree"), QStringLiteral("-r"), QStringLiteral("-l"), commit});
    for (const QString &line : listing.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QString path = line.section(QLatin1Char('\t'), 1);
        const QStringList fields =
            line.section(QLatin1Char('\t'), 0, 0).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (fields.size() < 4)
            continue;
        tree.append(QJsonObject{{QStringLiteral("path"), path},
                                {QStringLiteral("mode"), fields.at(0)},
                                {QStringLiteral("type"), fields.at(1)},
                                {QStringLiteral("sha"), fields.at(2)},
                                {QStringLiteral("size"), fields.at(3).toLongLong()}});
        if (fields.at(1) == QLatin1String("blob"))
            setAnswer(
                prefix + QStringLiteral("/contents/%1?ref=%2").arg(path, commit),
                {200,
                 scratch.git({QStringLiteral("show"), commit + QLatin1Char(':') + path}).toUtf8() + '\n',
                 {}});
    }
    setAnswer(prefix + QStringLiteral("/git/trees/%1?recursive=1").arg(commit),
              {200,
               QJsonDocument(QJsonObject{{QStringLiteral("sha"), commit},
                                         {QStringLiteral("tree"), tree},
                                         {QStringLiteral("truncated"), false}})
                   .toJson(),
               {}});
    return commit;
}

void GitHubApiStandIn::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void GitHubApiStandIn::serve(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    // GET requests only: a request is complete at its blank line.
    for (qsizetype end = buffer.indexOf("\r\n\r\n"); end >= 0; end = buffer.indexOf("\r\n\r\n")) {
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.remove(0, end + 4);
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        const QString path = QString::fromLatin1(requestLine.value(1));
        QByteArray authorization;
        for (const QByteArray &line : lines.mid(1))
            if (line.toLower().startsWith("authorization:"))
                authorization = line.mid(line.indexOf(':') + 1).trimmed();
        m_requests << path;
        m_authorizations << authorization;
        Answer answer = m_hasOverride ? m_override
                                      : m_answers.value(path, Answer{404, "{\"message\":\"Not Found\"}", {}});
        QByteArray out = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' + reasonPhrase(answer.status) +
                         "\r\nContent-Type: application/json\r\nContent-Length: " +
                         QByteArray::number(answer.body.size()) + "\r\n";
        for (const auto &[name, value] : answer.headers)
            out += name + ": " + value + "\r\n";
        socket->write(out + "\r\n" + answer.body);
    }
}

} // namespace rr::test
