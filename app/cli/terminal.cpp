#include "terminal.h"

#include <cstdio>
#include <unistd.h>

namespace rr::cli {

namespace {
bool g_progressShown = false;
}

void Terminal::out(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void Terminal::err(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void Terminal::error(const QString &message)
{
    clearProgress();
    err(QByteArray("reporunner: error: ") + message.toUtf8() + '\n');
}

bool Terminal::stderrIsTty()
{
    return isatty(fileno(stderr)) == 1;
}

void Terminal::progress(const QString &label, qint64 done, qint64 total, qint64 bytes)
{
    if (!stderrIsTty())
        return;
    constexpr int width = 30;
    const int filled = total > 0 ? int(width * qBound<qint64>(0, done, total) / total) : 0;
    QByteArray line =
        "\r" + label.toUtf8() + " [" + QByteArray(filled, '#') + QByteArray(width - filled, ' ') + "] ";
    if (total > 0)
        line += QByteArray::number(done) + '/' + QByteArray::number(total);
    if (bytes >= 0)
        line += "  " + QByteArray::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + " MiB";
    err(line);
    g_progressShown = true;
}

void Terminal::clearProgress()
{
    if (g_progressShown)
        err("\r\033[K");
    g_progressShown = false;
}

} // namespace rr::cli
