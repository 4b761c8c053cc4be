#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>

#include <csignal>

namespace rr::test {

void writeTree(const QString &root, const QMap<QString, QByteArray> &files)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString path = root + QLatin1Char('/') + it.key();
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        f.write(it.value());
    }
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ProcessResult run(const QString &program, const QStringList &args, const QString &workDir,
                  const QByteArray &stdinData, int timeoutMs, const QMap<QString, QString> &extraEnv)
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        r.timedOut = true;
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

int freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

// CTest sets both; a test or benchmark run by hand falls back to the trees it was built from.
QString sourcePath(const QString &relative)
{
    return qEnvironmentVariable("REPORUNNER_SOURCE_DIR", QStringLiteral(REPORUNNER_BUILT_FROM_SOURCE)) +
           QLatin1Char('/') + relative;
}

QString binaryPath(const QString &relative)
{
    return qEnvironmentVariable("REPORUNNER_BINARY_DIR", QStringLiteral(REPORUNNER_BUILT_INTO)) +
           QLatin1Char('/') + relative;
}

void stopBackgroundServe(const QString &pidFile)
{
    QFile f(pidFile);
    const qint64 pid = f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (pid > 1 && cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("serve"))
        ::kill(pid_t(pid), SIGTERM);
}

} // namespace rr::test
