#include "gitserver.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QThread>

namespace rr::test {

namespace {

void stopProcess(std::unique_ptr<QProcess> &process)
{
    if (!process)
        return;
    process->terminate();
    if (!process->waitForFinished(5000)) {
        process->kill();
        process->waitForFinished(5000);
    }
    process.reset();
}

// The CGI runs as `nobody` when Python serves as root, so the repositories must be readable.
void openUp(const QString &path)
{
    QFile::setPermissions(path, QFile::permissions(path) | QFile::ReadOther | QFile::ExeOther |
                                    QFile::ReadGroup | QFile::ExeGroup);
}

} // namespace

GitServer::GitServer()
{
    openUp(m_root.path());
    openUp(m_web.path());
}

GitServer::~GitServer()
{
    stop();
}

void GitServer::stop()
{
    stopProcess(m_daemon);
    stopProcess(m_http);
}

bool GitServer::waitForPort(QProcess &process, int port)
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (process.state() == QProcess::NotRunning) {
            m_error =
                QStringLiteral("server exited (logs in %1): %2").arg(m_web.path(), process.errorString());
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
        if (socket.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("server did not answer on port %1").arg(port);
    return false;
}

bool GitServer::startDaemon()
{
    m_daemonPort = freePort();
    m_daemon = std::make_unique<QProcess>();
    m_daemon->setStandardOutputFile(m_web.path() + QStringLiteral("/daemon.log"));
    m_daemon->setStandardErrorFile(m_web.path() + QStringLiteral("/daemon.log"), QIODevice::Append);
    m_daemon->start(QStringLiteral("git"),
                    {QStringLiteral("daemon"), QStringLiteral("--reuseaddr"), QStringLiteral("--verbose"),
                     QStringLiteral("--base-path=") + root(), QStringLiteral("--export-all"),
                     QStringLiteral("--listen=127.0.0.1"), QStringLiteral("--port=%1").arg(m_daemonPort),
                     root()});
    return waitForPort(*m_daemon, m_daemonPort);
}

int GitServer::daemonConnections() const
{
    QFile log(m_web.path() + QStringLiteral("/daemon.log"));
    if (!log.open(QIODevice::ReadOnly))
        return 0;
    return int(log.readAll().count("Connection from"));
}

bool GitServer::startHttp(const QString &requiredToken)
{
    const QString cgiDir = m_web.path() + QStringLiteral("/cgi-bin");
    QDir().mkpath(cgiDir);
    openUp(cgiDir);
    const QString script = cgiDir + QStringLiteral("/git");
    QFile f(script);
    if (!f.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write ") + script;
        return false;
    }
    // safe.directory: the CGI runs as another user than the repositories' owner.
    f.write(
        QStringLiteral("#!/bin/sh\n"
                       "export GIT_PROJECT_ROOT='%1'\n"
                       "export GIT_HTTP_EXPORT_ALL=1\n"
                       "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'\n"
                       "exec /usr/lib/git-core/git-http-backend\n")
            .arg(root())
            .toUtf8());
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                     QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    m_httpPort = freePort();
    m_http = std::make_unique<QProcess>();
    // http.server logs every request; keep that out of the test output.
    m_http->setStandardOutputFile(m_web.path() + QStringLiteral("/http.log"));
    m_http->setStandardErrorFile(m_web.path() + QStringLiteral("/http.log"), QIODevice::Append);
    m_http->setWorkingDirectory(m_web.path());
    if (requiredToken.isEmpty()) {
        m_http->start(QStringLiteral("/usr/bin/python3"),
                      {QStringLiteral("-m"), QStringLiteral("http.server"), QStringLiteral("--cgi"),
                       QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QString::number(m_httpPort)});
        return waitForPort(*m_http, m_httpPort);
    }
    // http.server's CGI handler behind a basic-auth gate; the token comes through the environment.
    static const char *const gate = R"(
import base64, http.server, os, sys
token = os.environ['GIT_TEST_TOKEN'].encode()
class Gate(http.server.CGIHTTPRequestHandler):
    def authorised(self):
        header = self.headers.get('Authorization', '')
        if not header.startswith('Basic '):
            return False
        try:
            return base64.b64decode(header[6:]).partition(b':')[2] == token
        except Exception:
            return False
    def gated(self, serve):
        if self.authorised():
            return serve()
        self.send_response(401)
        self.send_header('WWW-Authenticate', 'Basic realm="git"')
        self.send_header('Content-Length', '0')
        self.end_headers()
    def do_GET(self):
        self.gated(super().do_GET)
    def do_POST(self):
        self.gated(super().do_POST)
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Gate).serve_forever()
)";
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_TEST_TOKEN"), requiredToken);
    m_http->setProcessEnvironment(env);
    m_http->start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral("-c"), QString::fromLatin1(gate), QString::number(m_httpPort)});
    return waitForPort(*m_http, m_httpPort);
}

QString GitServer::daemonUrl(const QString &repoPath) const
{
    return QStringLiteral("git://127.0.0.1:%1/%2").arg(m_daemonPort).arg(repoPath);
}

QString GitServer::httpUrl(const QString &repoPath) const
{
    return QStringLiteral("http://127.0.0.1:%1/cgi-bin/git/%2").arg(m_httpPort).arg(repoPath);
}

} // namespace rr::test
