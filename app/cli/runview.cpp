#include "runview.h"

#include "exitcode.h"

#include <QDateTime>
#include <QJsonArray>

namespace rr::cli {

QString RunView::duration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1m%2s").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

QString RunView::age(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        return QStringLiteral("-");
    const qint64 s = qMax<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()));
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h").arg(s / 3600);
    return QStringLiteral("%1d").arg(s / 86400);
}

QString RunView::ports(const QJsonObject &run)
{
    QStringList out;
    for (const QJsonValue &v : run.value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject e = v.toObject();
        out << QStringLiteral("%1->%2")
                   .arg(e.value(QStringLiteral("localPort")).toInt())
                   .arg(e.value(QStringLiteral("containerPort")).toInt());
    }
    return out.isEmpty() ? QStringLiteral("-") : out.join(QLatin1Char(','));
}

QString RunView::table(const QJsonArray &runs)
{
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("REPO"), QStringLiteral("REF"),
                             QStringLiteral("COMMIT"), QStringLiteral("MODE"), QStringLiteral("RUNTIME"),
                             QStringLiteral("STATE"), QStringLiteral("AGE"), QStringLiteral("PORTS")}};
    for (const QJsonValue &v : runs) {
        const QJsonObject r = v.toObject();
        const QString owner = r.value(QStringLiteral("owner")).toString();
        const QString repo = r.value(QStringLiteral("repo")).toString();
        auto orDash = [](const QString &s) { return s.isEmpty() ? QStringLiteral("-") : s; };
        rows.append({r.value(QStringLiteral("id")).toString(),
                     orDash(owner.isEmpty() ? repo : owner + QLatin1Char('/') + repo),
                     orDash(r.value(QStringLiteral("ref")).toString()),
                     orDash(r.value(QStringLiteral("commit")).toString().left(7)),
                     orDash(r.value(QStringLiteral("mode")).toString()),
                     orDash(r.value(QStringLiteral("runtime")).toString()),
                     r.value(QStringLiteral("state")).toString(),
                     age(r.value(QStringLiteral("createdAt")).toString()), ports(r)});
    }
    QList<int> widths(rows.first().size(), 0);
    for (const QStringList &row : rows)
        for (int i = 0; i < row.size(); ++i)
            widths[i] = qMax(widths[i], int(row.at(i).size()));
    QString out;
    for (const QStringList &row : rows) {
        QStringList cells;
        for (int i = 0; i < row.size(); ++i)
            cells << (i + 1 < row.size() ? row.at(i).leftJustified(widths[i]) : row.at(i));
        out += cells.join(QStringLiteral("  ")) + QLatin1Char('\n');
    }
    return out;
}

int RunView::exitCodeForDiagnosis(const QJsonObject &run)
{
    const QString code =
        run.value(QStringLiteral("diagnosis")).toObject().value(QStringLiteral("code")).toString();
    if (code.startsWith(QLatin1String("source.")) || code.startsWith(QLatin1String("git.")))
        return SourceError;
    if (code.startsWith(QLatin1String("compose.")) || code.startsWith(QLatin1String("project.")))
        return ProjectError;
    if (code == QLatin1String("run.refused"))
        return Refused;
    if (code.startsWith(QLatin1String("docker.")) || code.startsWith(QLatin1String("kube.")) ||
        code.startsWith(QLatin1String("run.")))
        return RuntimeError;
    return Failure;
}

QString RunView::diagnosis(const QJsonObject &run)
{
    const QJsonObject d = run.value(QStringLiteral("diagnosis")).toObject();
    QString out =
        QStringLiteral("run %1 failed while %2: %3\n")
            .arg(run.value(QStringLiteral("id")).toString(), d.value(QStringLiteral("phase")).toString(),
                 d.value(QStringLiteral("summary")).toString());
    const QJsonArray lines = d.value(QStringLiteral("lastLines")).toArray();
    if (!lines.isEmpty()) {
        out += QStringLiteral("last log lines:\n");
        for (const QJsonValue &l : lines)
            out += QStringLiteral("  ") + l.toString() + QLatin1Char('\n');
    }
    return out;
}

} // namespace rr::cli
