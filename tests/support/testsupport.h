#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

// Small fixtures shared by tests. Test code only: blocking waits are fine here.
namespace rr::test {

// Writes `files` (relative path -> content) under `root`, creating folders.
void writeTree(const QString &root, const QMap<QString, QByteArray> &files);
// A file's bytes; empty when it can't be read.
QByteArray readFile(const QString &path);

struct ProcessResult
{
    int exitCode = -1;
    bool timedOut = false;
    QByteArray out;
    QByteArray err;
};

// Runs a program to completion (or the timeout) with optional stdin and extra environment.
ProcessResult run(const QString &program, const QStringList &args, const QString &workDir = {},
                  const QByteArray &stdinData = {}, int timeoutMs = 120000,
                  const QMap<QString, QString> &extraEnv = {});

// A TCP port on 127.0.0.1 that was free a moment ago.
int freePort();

// Absolute path of a file in the source tree (REPORUNNER_SOURCE_DIR).
QString sourcePath(const QString &relative);
// Absolute path of a file in the build tree (REPORUNNER_BINARY_DIR).
QString binaryPath(const QString &relative);

// Ends the `reporunner serve` that a CLI command started in the background, named by the pid
// file it wrote; a pid that is not a serve (gone, or reused) is left alone.
void stopBackgroundServe(const QString &pidFile);

} // namespace rr::test
