#include "logmodel.h"

#include "ansitext.h"

#include <QSet>

namespace rr::tray {

LogModel::LogModel(int capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_capacity(std::max(1, capacity))
{}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_size;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &l = at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return ansi::plain(l.text);
    case StyledRole:
        return ansi::styled(l.text, m_search);
    case MatchesRole:
        return !m_search.isEmpty() && ansi::plain(l.text).contains(m_search, Qt::CaseInsensitive);
    case TimeTextRole:
        return l.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case ServiceRole:
        return l.service;
    case StreamRole:
        return l.stream;
    case TimeRole:
        return l.time;
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    return {{TextRole, "message"},  {ServiceRole, "service"}, {StreamRole, "stream"},    {TimeRole, "time"},
            {StyledRole, "styled"}, {MatchesRole, "matches"}, {TimeTextRole, "timeText"}};
}

void LogModel::appendUnseen(const QList<runs::LogLine> &lines)
{
    if (lines.isEmpty() || m_size == 0) {
        appendLines(lines);
        return;
    }
    QDateTime earliest = lines.constFirst().time;
    for (const runs::LogLine &l : lines)
        earliest = std::min(earliest, l.time);
    // Only the rows at the end, as recent as the live lines, can be the same lines.
    QSet<QString> seen;
    for (int row = m_size - 1; row >= 0 && at(row).time >= earliest; --row) {
        const Line &l = at(row);
        seen.insert(QString::number(l.time.toMSecsSinceEpoch()) + QLatin1Char('\x1f') + l.service +
                    QLatin1Char('\x1f') + l.text);
    }
    QList<runs::LogLine> unseen;
    for (const runs::LogLine &l : lines) {
        if (!seen.contains(QString::number(l.time.toMSecsSinceEpoch()) + QLatin1Char('\x1f') + l.service +
                           QLatin1Char('\x1f') + l.text))
            unseen.append(l);
    }
    appendLines(unseen);
}

void LogModel::appendLines(const QList<runs::LogLine> &lines)
{
    QList<const runs::LogLine *> accepted;
    accepted.reserve(lines.size());
    for (const runs::LogLine &l : lines) {
        if (m_filter && l.service != *m_filter)
            continue;
        if (!m_textFilter.pattern().isEmpty() && !m_textFilter.match(ansi::plain(l.text)).hasMatch())
            continue;
        accepted.append(&l);
    }
    // A batch larger than the ring only leaves its tail.
    const qsizetype skip = std::max<qsizetype>(0, accepted.size() - m_capacity);
    const int incoming = int(accepted.size() - skip);
    if (incoming == 0)
        return;
    const int drop = std::max(0, m_size + incoming - m_capacity);
    if (drop > 0) {
        beginRemoveRows({}, 0, drop - 1);
        m_head = (m_head + drop) % m_capacity;
        m_size -= drop;
        endRemoveRows();
    }
    // The whole ring at once: growing by doubling would move 100k lines in one UI-thread stall.
    // Untouched pages of the reservation are not resident, so this costs no memory up front.
    if (m_ring.capacity() < m_capacity)
        m_ring.reserve(m_capacity);
    beginInsertRows({}, m_size, m_size + incoming - 1);
    for (qsizetype i = skip; i < accepted.size(); ++i) {
        const runs::LogLine &l = *accepted.at(i);
        Line line{l.text, l.service, l.stream, l.time};
        if (m_ring.size() < m_capacity) {
            m_ring.append(std::move(line)); // not wrapped yet: the next slot is the end
        } else {
            m_ring[(m_head + m_size) % m_capacity] = std::move(line);
        }
        ++m_size;
    }
    endInsertRows();
    Q_EMIT countChanged();
}

void LogModel::clear()
{
    beginResetModel();
    m_ring.clear();
    m_head = 0;
    m_size = 0;
    endResetModel();
    Q_EMIT countChanged();
}

QString LogModel::text(int first, int last) const
{
    QStringList out;
    for (int row = std::max(0, first); row <= std::min(last, m_size - 1); ++row)
        out.append(ansi::plain(at(row).text));
    return out.join(QLatin1Char('\n'));
}

void LogModel::setSearch(const QString &search)
{
    if (search == m_search)
        return;
    m_search = search;
    Q_EMIT searchChanged();
    if (m_size > 0)
        Q_EMIT dataChanged(index(0), index(m_size - 1), {StyledRole, MatchesRole});
}

int LogModel::find(int from, bool forward) const
{
    if (m_search.isEmpty() || m_size == 0)
        return -1;
    for (int step = 1; step <= m_size; ++step) {
        const int row = ((forward ? from + step : from - step) % m_size + m_size) % m_size;
        if (ansi::plain(at(row).text).contains(m_search, Qt::CaseInsensitive))
            return row;
    }
    return -1;
}

} // namespace rr::tray
