#pragma once

#include "core/linebuffer.h"

#include "core/error.h"
#include "docker/buildkitdecoder.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>

namespace rr::docker {

// One build step as the user sees it.
struct BuildStep
{
    QString name;  // "[2/5] RUN make" (BuildKit) or "RUN make" (classic)
    int index = 0; // 1-based; 0 for BuildKit's internal steps
    int total = 0;
    bool cached = false;
};

// Turns /build's newline-delimited JSON (classic "stream" lines or BuildKit traces) into steps,
// log lines, the image id and, on failure, an error naming the step that failed.
class BuildOutputParser final
{
public:
    std::function<void(const BuildStep &)> onStep;
    std::function<void(const QString &step, const QString &line)> onLog;

    void feed(const QByteArray &chunk);
    void finish(); // flushes a last line without '\n'

    QString imageId() const { return m_imageId; }
    bool hasFailed() const { return !m_error.isEmpty(); }
    // "Step "[2/3] RUN make" failed: ..." with the step's last log lines as details.
    core::Error error() const;
    // The daemon wanted a BuildKit session it cannot get from us; retry with the classic builder.
    bool needsClassicFallback() const;

    // "[2/5] RUN make" -> index 2, total 5; "Step 2/5 : RUN make" likewise.
    static BuildStep parseStepName(const QString &name);

private:
    void handleLine(const QByteArray &line);
    void handleTrace(const BuildKitStatus &status);
    void addLog(const QString &key, const QString &stepName, const QByteArray &text);

    struct VertexState
    {
        QString name;
        bool announced = false;
        QByteArray partial;
        QStringList lastLines;
    };

    core::LineBuffer m_lines;
    QHash<QString, VertexState> m_vertexes;
    QString m_classicStep;
    QStringList m_classicLines;
    QString m_failedStep;
    QString m_failedVertex;
    QString m_stepError;
    QString m_error;
    QString m_imageId;
};

} // namespace rr::docker
