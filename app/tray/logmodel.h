#pragma once

#include "runs/runrecord.h"

#include <QAbstractListModel>
#include <QRegularExpression>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace rr::tray {

// The log lines of one run in a ring buffer: appending is O(batch) however many lines are
// held, and past the cap the oldest lines leave as one row removal, so a ListView stays
// smooth with 100k+ lines. An optional service filter drops other services' lines on append.
// Not final: QML registration derives from it.
class LogModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(LogModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Highlighted (case-insensitive) in `styled` and flagged in `matches`; find() walks them.
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)

public:
    enum Role
    {
        TextRole = Qt::UserRole + 1,
        ServiceRole,
        StreamRole,
        TimeRole,
        StyledRole,   // StyledText with ANSI colours and the search highlighted
        MatchesRole,  // the line contains the search
        TimeTextRole, // "14:02:07.123", local time
    };

    static constexpr int DefaultCapacity = 200000;

    explicit LogModel(int capacity = DefaultCapacity, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int capacity() const { return m_capacity; }
    // nullopt: every line; "": the run's own log (build, events); else one service.
    void setServiceFilter(const std::optional<QString> &service) { m_filter = service; }
    // Only lines whose plain text matches are kept (on append; reload to apply to history).
    void setTextFilter(const QRegularExpression &filter) { m_textFilter = filter; }
    QRegularExpression textFilter() const { return m_textFilter; }

    QString search() const { return m_search; }
    void setSearch(const QString &search);
    // The next row from `from` (exclusive) whose line contains the search, wrapping around;
    // -1 when no line does.
    Q_INVOKABLE int find(int from, bool forward) const;
    std::optional<QString> serviceFilter() const { return m_filter; }

    void appendLines(const QList<runs::LogLine> &lines);
    // Appends the live lines that a history read did not already bring: a line emitted while
    // the history loaded can be in both (same time, service and text as a row at the end).
    void appendUnseen(const QList<runs::LogLine> &lines);
    void clear();
    // Plain text of rows [first, last], for copying.
    Q_INVOKABLE QString text(int first, int last) const;
    Q_INVOKABLE QString allText() const { return text(0, m_size - 1); }

Q_SIGNALS:
    void countChanged();
    void searchChanged();

private:
    struct Line
    {
        QString text;
        QString service;
        QString stream;
        QDateTime time;
    };
    const Line &at(int row) const { return m_ring.at((m_head + row) % m_capacity); }

    int m_capacity;
    QList<Line> m_ring; // grows to m_capacity, then wraps at m_head
    int m_head = 0;     // slot of the oldest line once the ring is full
    int m_size = 0;
    std::optional<QString> m_filter;
    QRegularExpression m_textFilter;
    QString m_search;
};

} // namespace rr::tray
