#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace rr::test {

// Serves the bare repositories under root() over a real `git daemon` (git://) and a real
// `git http-backend` CGI behind Python's http.server (http://), both on 127.0.0.1.
class GitServer final
{
public:
    GitServer();
    ~GitServer();
    GitServer(const GitServer &) = delete;
    GitServer &operator=(const GitServer &) = delete;

    bool isValid() const { return m_root.isValid(); }
    QString root() const { return m_root.path(); } // bare repos live here, e.g. root()/o/r.git

    // Start and wait until the port answers; false with errorString() on failure.
    bool startDaemon();
    // With `requiredToken`, every request must carry it as HTTP basic auth's password (any
    // user), as a private repository's host would demand; others get 401.
    bool startHttp(const QString &requiredToken = {});
    void stop();

    QString daemonUrl(const QString &repoPath) const; // git://127.0.0.1:P/<repoPath>
    QString httpUrl(const QString &repoPath) const;   // http://127.0.0.1:P/cgi-bin/git/<repoPath>
    int daemonPort() const { return m_daemonPort; }
    // Connections the git daemon has accepted so far (from its --verbose log).
    int daemonConnections() const;
    QString errorString() const { return m_error; }

private:
    bool waitForPort(QProcess &process, int port);

    QTemporaryDir m_root;
    QTemporaryDir m_web;
    std::unique_ptr<QProcess> m_daemon;
    std::unique_ptr<QProcess> m_http;
    int m_daemonPort = 0;
    int m_httpPort = 0;
    QString m_error;
};

} // namespace rr::test
