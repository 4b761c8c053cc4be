// Log ingestion benchmark: how many lines per second the run store takes in, the way the
// orchestrator feeds it (bursts of lines from several services, or one appendLog per line
// with --per-line), while a subscriber pages through the same run's logs as they land.
// Target: at least 100k lines/s. Everything is driven by the event loop (no busy waiting),
// so the producer thread does not steal the store thread's core on a small machine.
#include "runs/runstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace rr::runs;

namespace {

struct Bench
{
    RunStore *store = nullptr;
    QString runId = QStringLiteral("benchrun");
    QStringList services{QStringLiteral("web"), QStringLiteral("db"), QStringLiteral("worker"),
                         QStringLiteral("")};
    int total = 300000;
    bool perLine = false;
    int written = 0;
    qint64 readUpTo = 0, linesRead = 0;
    bool reading = false;
    QElapsedTimer timer;
    double appendMs = 0, storedMs = 0, readMs = 0;
    QDateTime now = QDateTime::currentDateTimeUtc();

    qint64 kept() const
    {
        return qMin<qint64>(total, qint64(StoreLimits{}.maxLinesPerService) * services.size());
    }
    LogLine line(int n) const
    {
        LogLine l;
        l.runId = runId;
        l.service = services.at(n % services.size());
        l.time = now;
        l.stream = QStringLiteral("stdout");
        l.text = QStringLiteral("GET /api/items/%1 200 0.4ms user-agent=bench").arg(n);
        return l;
    }
    // One burst of 500 lines, then back to the event loop as a UI thread would.
    bool produce()
    {
        QList<LogLine> burst;
        for (int i = 0; i < 500 && written < total; ++i, ++written) {
            if (perLine)
                store->appendLog(line(written));
            else
                burst.append(line(written));
        }
        if (!perLine)
            store->appendLogs(burst);
        return written < total;
    }
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    // The default limits: the per-service cap trims the oldest lines as the run goes on.
    RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
    Bench b;
    b.store = &store;
    b.total = app.arguments().contains(QStringLiteral("--smoke")) ? 20000 : 300000;
    b.perLine = app.arguments().contains(QStringLiteral("--per-line"));

    QTimer reader, producer;
    // The subscriber: reads whatever has landed, page by page, while lines keep coming.
    QObject::connect(&reader, &QTimer::timeout, &app, [&] {
        if (b.reading)
            return;
        b.reading = true;
        store.logs(b.runId, std::nullopt, b.readUpTo, 5000)
            .then(&app, [&](const rr::core::Result<QList<LogLine>> &lines) {
                b.reading = false;
                if (lines && !lines->isEmpty()) {
                    b.readUpTo = lines->last().id;
                    b.linesRead += lines->size();
                }
                if (b.storedMs > 0 && (b.linesRead >= b.kept() || b.timer.elapsed() > b.storedMs + 60000)) {
                    b.readMs = double(b.timer.nsecsElapsed()) / 1e6;
                    app.quit();
                }
            });
    });
    QObject::connect(&producer, &QTimer::timeout, &app, [&] {
        if (b.produce())
            return;
        producer.stop();
        b.appendMs = double(b.timer.nsecsElapsed()) / 1e6;
        store.flush().then(
            &app, [&](const rr::core::Result<void> &) { b.storedMs = double(b.timer.nsecsElapsed()) / 1e6; });
    });

    store.open().then(&app, [&](const rr::core::Result<void> &r) {
        if (!r)
            qFatal("cannot open the store: %s", qPrintable(r.error().message));
        RunRecord run;
        run.id = b.runId;
        run.source = QStringLiteral("bench");
        run.createdAt = run.updatedAt = QDateTime::currentDateTimeUtc();
        store.saveRun(run);
        b.timer.start();
        reader.start(5);
        producer.start(0);
    });
    app.exec();

    const double perSecond = b.total / (b.storedMs / 1000.0);
    std::printf("log ingestion: %d lines, %d services, %s\n", b.total, int(b.services.size()),
                b.perLine ? "one appendLog per line" : "bursts of 500 (as runs hand them on)");
    std::printf("  queued in      %8.1f ms (caller side)\n", b.appendMs);
    std::printf("  on disk after  %8.1f ms  -> %.0f lines/s (target >= 100000)\n", b.storedMs, perSecond);
    std::printf("  subscriber read %lld lines while they landed (the per-service cap keeps %lld), done after "
                "%.1f ms\n",
                static_cast<long long>(b.linesRead), static_cast<long long>(b.kept()), b.readMs);
    return 0;
}
