#pragma once

#include "core/linebuffer.h"
#include "docker/logdemuxer.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace rr::dockerruntime {

// Turns a container's log byte stream (multiplexed or TTY) into whole lines per stream,
// holding back an unfinished line until its newline (or the end) arrives. Lines are capped at
// core::kMaxLogLineBytes, so an endless line costs a fixed amount of memory.
class LogLineSplitter final
{
public:
    struct Line
    {
        QString stream; // "stdout" | "stderr"
        QString text;
    };

    explicit LogLineSplitter(bool tty)
        : m_demuxer(tty)
    {}

    QList<Line> feed(const QByteArray &chunk);
    // The unfinished lines at the end of the stream.
    QList<Line> flush();

    // Splits a finished log (e.g. `tail=20`) into its lines.
    static QStringList lines(const QList<docker::LogFrame> &frames);

private:
    docker::LogDemuxer m_demuxer;
    core::LineBuffer m_pending[2]{core::LineBuffer(core::kMaxLogLineBytes),
                                  core::LineBuffer(core::kMaxLogLineBytes)}; // stdout, stderr
};

} // namespace rr::dockerruntime
