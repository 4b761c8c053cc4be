#include "docker/pushprogress.h"

#include "core/logging.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rr::docker {

void PushProgress::feed(const QByteArray &chunk)
{
    for (const QByteArray &line : m_lines.feed(chunk))
        handleLine(line);
}

void PushProgress::finish()
{
    if (const QByteArray rest = m_lines.takeRest(); !rest.trimmed().isEmpty())
        handleLine(rest);
}

void PushProgress::handleLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return;
    const QJsonObject o = QJsonDocument::fromJson(trimmed).object();
    if (o.isEmpty()) {
        qCDebug(lcDocker) << "unparsed push output" << trimmed.left(200);
        return;
    }
    if (o.contains(QStringLiteral("errorDetail")) || o.contains(QStringLiteral("error"))) {
        QString message =
            o.value(QStringLiteral("errorDetail")).toObject().value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = o.value(QStringLiteral("error")).toString();
        m_error = message.isEmpty() ? QStringLiteral("unknown error") : message;
        return;
    }
    const QString digest =
        o.value(QStringLiteral("aux")).toObject().value(QStringLiteral("Digest")).toString();
    if (!digest.isEmpty())
        m_digest = digest;
    const QString id = o.value(QStringLiteral("id")).toString();
    const QString status = o.value(QStringLiteral("status")).toString();
    if (id.isEmpty())
        return;
    if (status == QLatin1String("Pushing")) {
        const qint64 current = qint64(
            o.value(QStringLiteral("progressDetail")).toObject().value(QStringLiteral("current")).toDouble());
        m_current[id] = qMax(m_current.value(id), current);
    } else if (status == QLatin1String("Pushed")) {
        if (!m_pushed.contains(id))
            m_pushed << id;
    } else if (status == QLatin1String("Layer already exists") ||
               status.startsWith(QLatin1String("Mounted from"))) {
        if (!m_existing.contains(id))
            m_existing << id;
    }
}

PushReport PushProgress::report() const
{
    PushReport r;
    r.digest = m_digest;
    r.pushedLayers = m_pushed;
    r.existingLayers = m_existing;
    for (const QString &id : m_pushed)
        r.bytesPushed += m_current.value(id);
    return r;
}

} // namespace rr::docker
