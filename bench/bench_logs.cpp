// Log ingestion benchmark: how many lines per second the run store takes in, the way the
// orchestrator feeds it (one appendLog per line, several services), while a subscriber pages
// through the same run's logs as they land. Target: at least 100k lines/s.
#include "runs/runstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace rr::runs;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int total = smoke ? 20000 : 300000;
    const bool perLine = app.arguments().contains(QStringLiteral("--per-line"));
    QTemporaryDir dir;
    // The default limits: the per-service cap trims the oldest lines as the run goes on.
    RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
    bool opened = false;
    store.open().then(&app, [&opened](const rr::core::Result<void> &r) {
        if (!r)
            qFatal("cannot open the store: %s", qPrintable(r.error().message));
        opened = true;
    });
    while (!opened)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);

    RunRecord run;
    run.id = QStringLiteral("benchrun");
    run.source = QStringLiteral("bench");
    run.createdAt = run.updatedAt = QDateTime::currentDateTimeUtc();
    store.saveRun(run);

    const QStringList services{QStringLiteral("web"), QStringLiteral("db"), QStringLiteral("worker"),
                               QStringLiteral("")};
    QElapsedTimer timer;
    timer.start();
    // The subscriber: reads whatever has landed, page by page, while lines keep coming.
    qint64 readUpTo = 0, linesRead = 0;
    bool reading = false;
    QTimer reader;
    QObject::connect(&reader, &QTimer::timeout, &app, [&] {
        if (reading)
            return;
        reading = true;
        store.logs(run.id, std::nullopt, readUpTo, 5000)
            .then(&app, [&](const rr::core::Result<QList<LogLine>> &lines) {
                reading = false;
                if (lines && !lines->isEmpty()) {
                    readUpTo = lines->last().id;
                    linesRead += lines->size();
                }
            });
    });
    reader.start(5);

    // The producer: bursts of lines, yielding to the event loop between them as the UI thread
    // would. Per line (RunStore::appendLog) or as the orchestrator's runs hand them on: one
    // appendLogs per burst.
    int written = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (written < total) {
        QList<LogLine> burst;
        for (int i = 0; i < 500 && written < total; ++i, ++written) {
            LogLine line;
            line.runId = run.id;
            line.service = services.at(written % services.size());
            line.time = now;
            line.stream = QStringLiteral("stdout");
            line.text = QStringLiteral("GET /api/items/%1 200 0.4ms user-agent=bench").arg(written);
            if (perLine)
                store.appendLog(line);
            else
                burst.append(line);
        }
        if (!perLine)
            store.appendLogs(burst);
        QCoreApplication::processEvents();
    }
    const double appendMs = double(timer.nsecsElapsed()) / 1e6;
    bool flushed = false;
    store.flush().then(&app, [&flushed](const rr::core::Result<void> &) { flushed = true; });
    while (!flushed)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    const double storedMs = double(timer.nsecsElapsed()) / 1e6;
    const qint64 kept = qMin<qint64>(total, qint64(StoreLimits{}.maxLinesPerService) * services.size());
    while (linesRead < kept && double(timer.nsecsElapsed()) / 1e6 < storedMs + 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    const double readMs = double(timer.nsecsElapsed()) / 1e6;
    reader.stop();

    const double perSecond = total / (storedMs / 1000.0);
    std::printf("log ingestion: %d lines, %d services, %s\n", total, int(services.size()),
                perLine ? "one appendLog per line" : "bursts of 500 (as runs hand them on)");
    std::printf("  queued in      %8.1f ms (caller side)\n", appendMs);
    std::printf("  on disk after  %8.1f ms  -> %.0f lines/s (target >= 100000)\n", storedMs, perSecond);
    std::printf("  subscriber read %lld lines while they landed (the per-service cap keeps %lld), done after "
                "%.1f ms\n",
                static_cast<long long>(linesRead), static_cast<long long>(kept), readMs);
    return smoke || perSecond >= 100000 ? 0 : 1;
}
