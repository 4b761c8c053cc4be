#pragma once

#include <QByteArray>
#include <QString>

namespace rr::cli {

// Output helpers: data goes to stdout, humans' messages and progress to stderr;
// progress bars only when stderr is a terminal.
class Terminal final
{
public:
    static void out(const QByteArray &bytes);
    static void err(const QByteArray &bytes);
    static void error(const QString &message);
    static void progress(const QString &label, qint64 done, qint64 total, qint64 bytes = -1);
    static void clearProgress();
    static bool stderrIsTty();
};

} // namespace rr::cli
