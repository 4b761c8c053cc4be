#include "docker/buildoutputparser.h"

#include "core/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace rr::docker {

namespace {

constexpr int KeptLines = 20;

void keepLast(QStringList &lines, const QString &line)
{
    lines.append(line);
    if (lines.size() > KeptLines)
        lines.removeFirst();
}

} // namespace

BuildStep BuildOutputParser::parseStepName(const QString &name)
{
    static const QRegularExpression buildKit(QStringLiteral("^\\[(?:[^\\]]*\\s)?(\\d+)/(\\d+)\\]"));
    static const QRegularExpression classic(QStringLiteral("^Step (\\d+)/(\\d+) : (.*)$"));
    BuildStep step;
    step.name = name.trimmed();
    if (auto m = classic.match(step.name); m.hasMatch()) {
        step.index = m.captured(1).toInt();
        step.total = m.captured(2).toInt();
        step.name = m.captured(3);
    } else if (auto b = buildKit.match(step.name); b.hasMatch()) {
        step.index = b.captured(1).toInt();
        step.total = b.captured(2).toInt();
    }
    return step;
}

void BuildOutputParser::feed(const QByteArray &chunk)
{
    for (const QByteArray &line : m_lines.feed(chunk))
        handleLine(line);
}

void BuildOutputParser::finish()
{
    if (const QByteArray rest = m_lines.takeRest(); !rest.trimmed().isEmpty())
        handleLine(rest);
    for (auto it = m_vertexes.begin(); it != m_vertexes.end(); ++it)
        if (!it->partial.isEmpty())
            addLog(it.key(), it->name, QByteArray("\n"));
}

void BuildOutputParser::handleLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return;
    const QJsonObject o = QJsonDocument::fromJson(trimmed).object();
    if (o.isEmpty()) {
        qCDebug(lcDocker) << "unparsed build output" << trimmed.left(200);
        return;
    }
    const QString id = o.value(QStringLiteral("id")).toString();
    if (o.contains(QStringLiteral("error")) || o.contains(QStringLiteral("errorDetail"))) {
        m_error =
            o.value(QStringLiteral("errorDetail")).toObject().value(QStringLiteral("message")).toString();
        if (m_error.isEmpty())
            m_error = o.value(QStringLiteral("error")).toString();
        if (m_error.isEmpty())
            m_error = QStringLiteral("unknown error");
        return;
    }
    if (id == QLatin1String("moby.buildkit.trace")) {
        auto status = BuildKitDecoder::decodeBase64(o.value(QStringLiteral("aux")).toString().toLatin1());
        if (status)
            handleTrace(*status);
        else
            qCWarning(lcDocker) << status.error().message;
        return;
    }
    if (o.value(QStringLiteral("aux")).isObject()) {
        const QString image =
            o.value(QStringLiteral("aux")).toObject().value(QStringLiteral("ID")).toString();
        if (!image.isEmpty())
            m_imageId = image;
        return;
    }
    const QString stream = o.value(QStringLiteral("stream")).toString();
    if (stream.isEmpty())
        return;
    for (const QString &text : stream.split(QLatin1Char('\n'))) {
        const QString lineText = text.trimmed();
        if (lineText.isEmpty())
            continue;
        if (lineText.startsWith(QLatin1String("Step "))) {
            const BuildStep step = parseStepName(lineText);
            if (step.index > 0) {
                m_classicStep = lineText;
                m_classicLines.clear();
                if (onStep)
                    onStep(step);
                continue;
            }
        }
        if (lineText.startsWith(QLatin1String("Successfully built ")) && m_imageId.isEmpty())
            m_imageId = lineText.mid(18).trimmed();
        keepLast(m_classicLines, lineText);
        if (onLog)
            onLog(m_classicStep, lineText);
    }
}

void BuildOutputParser::handleTrace(const BuildKitStatus &status)
{
    for (const BuildKitVertex &v : status.vertexes) {
        VertexState &state = m_vertexes[v.digest];
        if (!v.name.isEmpty())
            state.name = v.name;
        if ((v.started || v.cached) && !state.announced) {
            state.announced = true;
            BuildStep step = parseStepName(state.name);
            step.cached = v.cached;
            if (onStep)
                onStep(step);
        }
        if (!v.error.isEmpty() && m_failedVertex.isEmpty()) {
            m_failedVertex = v.digest;
            m_failedStep = state.name;
            m_stepError = v.error;
        }
    }
    for (const BuildKitLog &log : status.logs)
        addLog(log.vertex, m_vertexes.value(log.vertex).name, log.message);
}

void BuildOutputParser::addLog(const QString &key, const QString &stepName, const QByteArray &text)
{
    VertexState &state = m_vertexes[key];
    state.partial.append(text);
    qsizetype start = 0;
    for (qsizetype nl = state.partial.indexOf('\n'); nl >= 0; nl = state.partial.indexOf('\n', start)) {
        const QString line = QString::fromUtf8(state.partial.mid(start, nl - start)).trimmed();
        start = nl + 1;
        if (line.isEmpty())
            continue;
        keepLast(state.lastLines, line);
        if (onLog)
            onLog(stepName, line);
    }
    state.partial.remove(0, start);
}

core::Error BuildOutputParser::error() const
{
    QString step = m_failedStep;
    QStringList lines;
    if (!step.isEmpty()) {
        lines = m_vertexes.value(m_failedVertex).lastLines;
    } else if (!m_classicStep.isEmpty()) {
        step = m_classicStep;
        lines = m_classicLines;
    }
    const QString reason = m_error.isEmpty() ? m_stepError : m_error;
    core::Error e = core::makeError(
        core::ErrorCategory::Docker, QStringLiteral("docker.build.failed"),
        step.isEmpty() ? QStringLiteral("The image build failed: %1").arg(reason)
                       : QStringLiteral("The image build failed at step \"%1\": %2").arg(step, reason));
    e.details = lines.join(QLatin1Char('\n'));
    return e;
}

bool BuildOutputParser::needsClassicFallback() const
{
    // Seen from daemons that insist on a client-side session (a Dockerfile frontend that
    // needs one, or builder policies), never for plain Dockerfile builds on 20.10.
    return m_error.contains(QLatin1String("no active session")) ||
           m_error.contains(QLatin1String("session for")) ||
           m_error.contains(QLatin1String("buildkit not supported"));
}

} // namespace rr::docker
