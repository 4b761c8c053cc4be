#include "dockerruntime/loglinesplitter.h"

#include <QStringList>

namespace rr::dockerruntime {

namespace {

QString textOf(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

QString streamName(int i)
{
    return i ? QStringLiteral("stderr") : QStringLiteral("stdout");
}

} // namespace

QList<LogLineSplitter::Line> LogLineSplitter::feed(const QByteArray &chunk)
{
    QList<Line> out;
    for (const docker::LogFrame &frame : m_demuxer.feed(chunk)) {
        const int i = frame.stream == docker::LogFrame::Stream::Stderr ? 1 : 0;
        for (const QByteArray &line : m_pending[i].feed(frame.data))
            out.append({streamName(i), textOf(line)});
    }
    return out;
}

QList<LogLineSplitter::Line> LogLineSplitter::flush()
{
    QList<Line> out;
    for (int i = 0; i < 2; ++i) {
        if (const QByteArray rest = m_pending[i].takeRest(); !rest.isEmpty())
            out.append({streamName(i), textOf(rest)});
    }
    return out;
}

QStringList LogLineSplitter::lines(const QList<docker::LogFrame> &frames)
{
    QByteArray all;
    for (const docker::LogFrame &f : frames)
        all.append(f.data);
    QStringList out;
    for (const QByteArray &line : all.split('\n'))
        out.append(textOf(core::LineBuffer::cut(line, core::kMaxLogLineBytes)));
    while (!out.isEmpty() && out.last().trimmed().isEmpty())
        out.removeLast();
    return out;
}

} // namespace rr::dockerruntime
