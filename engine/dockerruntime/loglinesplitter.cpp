#include "dockerruntime/loglinesplitter.h"

#include <QStringList>

namespace rr::dockerruntime {

namespace {

void takeLines(QByteArray &pending, const QString &stream, QList<LogLineSplitter::Line> &out)
{
    qsizetype newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
        QByteArray line = pending.left(newline);
        if (line.endsWith('\r'))
            line.chop(1);
        out.append({stream, QString::fromUtf8(line)});
        pending.remove(0, newline + 1);
    }
}

} // namespace

QList<LogLineSplitter::Line> LogLineSplitter::feed(const QByteArray &chunk)
{
    QList<Line> out;
    for (const docker::LogFrame &frame : m_demuxer.feed(chunk)) {
        const bool err = frame.stream == docker::LogFrame::Stream::Stderr;
        QByteArray &pending = m_pending[err ? 1 : 0];
        pending.append(frame.data);
        takeLines(pending, err ? QStringLiteral("stderr") : QStringLiteral("stdout"), out);
    }
    return out;
}

QList<LogLineSplitter::Line> LogLineSplitter::flush()
{
    QList<Line> out;
    for (int i = 0; i < 2; ++i) {
        if (!m_pending[i].isEmpty())
            out.append(
                {i ? QStringLiteral("stderr") : QStringLiteral("stdout"), QString::fromUtf8(m_pending[i])});
        m_pending[i].clear();
    }
    return out;
}

QStringList LogLineSplitter::lines(const QList<docker::LogFrame> &frames)
{
    QByteArray all;
    for (const docker::LogFrame &f : frames)
        all.append(f.data);
    QStringList out = QString::fromUtf8(all).split(QLatin1Char('\n'));
    while (!out.isEmpty() && out.last().trimmed().isEmpty())
        out.removeLast();
    return out;
}

} // namespace rr::dockerruntime
