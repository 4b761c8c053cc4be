#include "chromeframing.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>

namespace rr::nativehost::chrome {

namespace {

QByteArray frame(const QByteArray &json)
{
    const auto length = std::uint32_t(json.size());
    QByteArray out(sizeof length, Qt::Uninitialized);
    std::memcpy(out.data(), &length, sizeof length); // native byte order, as Chrome wants
    return out + json;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Splits a run.log event's lines in halves until every part fits.
void splitLogEvent(const QJsonObject &event, QList<QByteArray> &out)
{
    const QJsonObject data = event.value(QStringLiteral("data")).toObject();
    const QJsonArray lines = data.value(QStringLiteral("lines")).toArray();
    const QByteArray json = compact(event);
    if (qsizetype(json.size() + 4) <= qsizetype(MaxToBrowser)) {
        out << frame(json);
        return;
    }
    if (lines.size() <= 1) {
        // One line bigger than a message: cut its text, saying so.
        QJsonObject line = lines.first().toObject();
        const QString text = line.value(QStringLiteral("text")).toString();
        line.insert(QStringLiteral("text"),
                    QString(text.left(256 * 1024) + QStringLiteral(" … [line truncated]")));
        QJsonObject d = data;
        d.insert(QStringLiteral("lines"), QJsonArray{line});
        QJsonObject e = event;
        e.insert(QStringLiteral("data"), d);
        out << frame(compact(e));
        return;
    }
    const qsizetype half = lines.size() / 2;
    for (const auto &[from, count] : {std::pair{qsizetype(0), half}, std::pair{half, lines.size() - half}}) {
        QJsonArray part;
        for (qsizetype i = from; i < from + count; ++i)
            part.append(lines.at(i));
        QJsonObject d = data;
        d.insert(QStringLiteral("lines"), part);
        QJsonObject e = event;
        e.insert(QStringLiteral("data"), d);
        splitLogEvent(e, out);
    }
}

} // namespace

QByteArray encode(const QJsonObject &message)
{
    return frame(compact(message));
}

QList<QByteArray> encodeForBrowser(const QJsonObject &message)
{
    QList<QByteArray> out;
    const QByteArray json = compact(message);
    if (qsizetype(json.size() + 4) <= qsizetype(MaxToBrowser)) {
        out << frame(json);
        return out;
    }
    if (message.value(QStringLiteral("event")).toString() == QLatin1String("run.log") &&
        !message.value(QStringLiteral("data"))
             .toObject()
             .value(QStringLiteral("lines"))
             .toArray()
             .isEmpty()) {
        splitLogEvent(message, out);
        return out;
    }
    QJsonObject error{
        {QStringLiteral("code"), QStringLiteral("nativehost.too_large")},
        {QStringLiteral("message"),
         QStringLiteral("the answer is larger than a browser message (1 MiB); ask for a smaller range")}};
    QJsonObject reply{{QStringLiteral("error"), error}};
    if (message.contains(QStringLiteral("id")))
        reply.insert(QStringLiteral("id"), message.value(QStringLiteral("id")));
    else
        reply.insert(QStringLiteral("event"), QStringLiteral("error"));
    out << frame(compact(reply));
    return out;
}

void FrameReader::feed(QByteArrayView bytes)
{
    if (m_skip > 0) {
        const qint64 dropped = qMin<qint64>(m_skip, bytes.size());
        m_skip -= dropped;
        bytes = bytes.sliced(dropped);
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<FrameReader::Frame> FrameReader::next()
{
    if (m_skip > 0 || m_buffer.size() < 4)
        return std::nullopt;
    std::uint32_t length = 0;
    std::memcpy(&length, m_buffer.constData(), sizeof length);
    if (length > m_limit) {
        m_buffer.remove(0, 4);
        const qint64 available = qMin<qint64>(length, m_buffer.size());
        m_buffer.remove(0, available);
        m_skip = qint64(length) - available;
        return Frame{{}, true};
    }
    if (m_buffer.size() < qsizetype(4 + length))
        return std::nullopt;
    Frame f{m_buffer.mid(4, length), false};
    m_buffer.remove(0, 4 + length);
    return f;
}

} // namespace rr::nativehost::chrome
