#include "chromeframing.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>
#include <optional>

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

bool fits(const QByteArray &json, std::uint32_t limit)
{
    return qsizetype(json.size()) + 4 <= qsizetype(limit);
}

// What the browser gets instead of a message that cannot be made to fit.
QByteArray tooLarge(const QJsonObject &message)
{
    QJsonObject error{
        {QStringLiteral("code"), QStringLiteral("nativehost.too_large")},
        {QStringLiteral("message"),
         QStringLiteral("the answer is larger than a browser message (1 MiB); ask for a smaller range")}};
    QJsonObject reply{{QStringLiteral("error"), error}};
    const QJsonValue id = message.value(QStringLiteral("id"));
    // An id the browser can correlate; a huge one would not fit either.
    if (id.isDouble() || (id.isString() && id.toString().size() <= 128))
        reply.insert(QStringLiteral("id"), id);
    else
        reply.insert(QStringLiteral("event"), QStringLiteral("error"));
    return frame(compact(reply));
}

// `text` cut to at most `keep` UTF-16 units (never between a surrogate pair) plus a marker.
QString cut(const QString &text, qsizetype keep)
{
    if (keep > 0 && keep < text.size() && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QStringLiteral(" … [line cut: %1 characters]").arg(text.size());
}

QJsonArray slice(const QJsonArray &lines, qsizetype from, qsizetype count)
{
    QJsonArray part;
    for (qsizetype i = from; i < from + count; ++i)
        part.append(lines.at(i));
    return part;
}

// A copy of `message` whose object at `path` (data/lines or result/lines) holds `lines`.
QJsonObject withLines(const QJsonObject &message, const QString &outer, const QJsonArray &lines)
{
    QJsonObject inner = message.value(outer).toObject();
    inner.insert(QStringLiteral("lines"), lines);
    QJsonObject out = message;
    out.insert(outer, inner);
    return out;
}

// One line bigger than a message: its text is cut, then cut again, until the encoded frame
// fits. Escaping can make a character cost six bytes, so only the encoded size is trusted.
std::optional<QByteArray> cutSingleLine(const QJsonObject &message, const QString &outer, std::uint32_t limit)
{
    QJsonObject line =
        message.value(outer).toObject().value(QStringLiteral("lines")).toArray().first().toObject();
    const QString text = line.value(QStringLiteral("text")).toString();
    for (qsizetype keep = qMin<qsizetype>(text.size(), limit / 4);; keep /= 2) {
        line.insert(QStringLiteral("text"), cut(text, keep));
        const QByteArray json = compact(withLines(message, outer, QJsonArray{line}));
        if (fits(json, limit))
            return frame(json);
        if (keep == 0)
            return std::nullopt; // the line's other fields alone are too big
    }
}

// Splits a message's lines in halves until every part fits; a single line too big is cut.
bool splitLines(const QJsonObject &message, const QString &outer, std::uint32_t limit, QList<QByteArray> &out)
{
    const QByteArray json = compact(message);
    if (fits(json, limit)) {
        out << frame(json);
        return true;
    }
    const QJsonArray lines = message.value(outer).toObject().value(QStringLiteral("lines")).toArray();
    if (lines.size() <= 1) {
        auto single = lines.isEmpty() ? std::nullopt : cutSingleLine(message, outer, limit);
        if (!single)
            return false;
        out << *single;
        return true;
    }
    const qsizetype half = lines.size() / 2;
    return splitLines(withLines(message, outer, slice(lines, 0, half)), outer, limit, out) &&
           splitLines(withLines(message, outer, slice(lines, half, lines.size() - half)), outer, limit, out);
}

} // namespace

QByteArray encode(const QJsonObject &message)
{
    return frame(compact(message));
}

QList<QByteArray> encodeForBrowser(const QJsonObject &message, std::uint32_t limit)
{
    QList<QByteArray> out;
    const QByteArray json = compact(message);
    if (fits(json, limit)) {
        out << frame(json);
        return out;
    }
    // A run.log event is split into several events; a reply's lines (a `logs` page) cannot
    // be split across replies, so it keeps the lines that fit and the caller asks for more.
    const bool logEvent = message.value(QStringLiteral("event")).toString() == QLatin1String("run.log");
    const QString outer = logEvent ? QStringLiteral("data") : QStringLiteral("result");
    const QJsonArray lines = message.value(outer).toObject().value(QStringLiteral("lines")).toArray();
    if (logEvent && !lines.isEmpty()) {
        if (splitLines(message, outer, limit, out))
            return out;
        out.clear();
    } else if (!lines.isEmpty() && message.contains(QStringLiteral("id"))) {
        QList<QByteArray> parts;
        if (splitLines(withLines(message, outer, QJsonArray{lines.first()}), outer, limit, parts)) {
            // The longest prefix of lines that fits, by halving the count.
            qsizetype lo = 1, hi = lines.size();
            QByteArray best = parts.first();
            while (lo < hi) {
                const qsizetype mid = (lo + hi + 1) / 2;
                const QByteArray candidate = compact(withLines(message, outer, slice(lines, 0, mid)));
                if (fits(candidate, limit)) {
                    lo = mid;
                    best = frame(candidate);
                } else {
                    hi = mid - 1;
                }
            }
            out << best;
            return out;
        }
    }
    out << tooLarge(message);
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
