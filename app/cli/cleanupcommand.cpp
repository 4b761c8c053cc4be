#include "cleanupcommand.h"

#include "engineconnection.h"
#include "exitcode.h"
#include "ipc/controlclient.h"
#include "ipc/protocol.h"
#include "terminal.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace rr::cli {

namespace {

QString bytes(double n)
{
    return QLocale::c().formattedDataSize(qint64(n));
}

// A count flag's value, or nullopt (and a message) when it is not a non-negative number.
std::optional<int> countOf(const QCommandLineParser &parser, const QString &name, QString &problem)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < 0) {
        problem = QStringLiteral("--%1 takes a number of 0 or more").arg(name);
        return std::nullopt;
    }
    return value;
}

} // namespace

CleanupCommand::CleanupCommand(QObject *parent)
    : EngineCommand(parent)
{}

void CleanupCommand::start(const QStringList &arguments)
{
    m_command = arguments.value(0);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("print JSON"));
    const QCommandLineOption allStopped(QStringLiteral("all-stopped"),
                                        QStringLiteral("remove every stopped or failed run"));
    const QCommandLineOption keep(QStringLiteral("keep"),
                                  QStringLiteral("images kept per image repository, newest first (default: "
                                                 "the engine's setting, 3)"),
                                  QStringLiteral("N"));
    const QCommandLineOption olderThan(
        QStringLiteral("older-than"),
        QStringLiteral("images and build cache younger than this always stay (default 14)"),
        QStringLiteral("DAYS"));
    const QCommandLineOption gitDays(
        QStringLiteral("git-days"),
        QStringLiteral("clone-cache repositories not run for this long go (default 30)"),
        QStringLiteral("DAYS"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    QStringLiteral("list what would go, remove nothing"));
    parser.addOption(json);
    if (m_command == QLatin1String("rm")) {
        parser.setApplicationDescription(
            QStringLiteral("Remove a stopped or failed run's history and stored logs. An active run must be "
                           "stopped first."));
        parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("run id"));
        parser.addOption(allStopped);
    } else {
        parser.setApplicationDescription(
            QStringLiteral("Remove images this engine built, build cache and cloned repositories beyond the "
                           "retention, and print what went and the space that came back."));
        parser.addOptions({keep, olderThan, gitDays, dryRun});
    }
    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        return finish(Ok);
    }
    m_json = parser.isSet(json);
    QJsonObject params;
    const QStringList positional = parser.positionalArguments();
    if (m_command == QLatin1String("rm")) {
        if (parser.isSet(allStopped) == (positional.size() == 1) || positional.size() > 1)
            return fail(Usage, QStringLiteral("rm needs one run id or --all-stopped"));
        if (parser.isSet(allStopped))
            params.insert(QStringLiteral("allStopped"), true);
        else
            params.insert(QStringLiteral("runId"), positional.constFirst());
    } else {
        if (!positional.isEmpty())
            return fail(Usage, QStringLiteral("prune takes no arguments"));
        QString problem;
        const QList<QPair<QCommandLineOption, QString>> counts{{keep, QStringLiteral("keepImages")},
                                                               {olderThan, QStringLiteral("imageDays")},
                                                               {gitDays, QStringLiteral("gitCacheDays")}};
        for (const auto &[option, key] : counts) {
            if (!parser.isSet(option))
                continue;
            const auto value = countOf(parser, option.names().constFirst(), problem);
            if (!value)
                return fail(Usage, problem);
            params.insert(key, *value);
        }
        if (parser.isSet(dryRun))
            params.insert(QStringLiteral("dryRun"), true);
    }
    connect(m_connection, &EngineConnection::failed, this,
            [this](const core::Error &e) { fail(exitCodeFor(e.category), e.message); });
    connect(m_connection, &EngineConnection::ready, this, [this, params] {
        call(m_command == QLatin1String("rm") ? QString(ipc::method::Remove) : QString(ipc::method::Prune),
             params);
    });
    m_connection->open();
}

void CleanupCommand::call(const QString &method, const QJsonObject &params)
{
    m_connection->client()->call(method, params).then(this, [this](const core::Result<QJsonValue> &reply) {
        if (!reply)
            return fail(exitCodeFor(reply.error().category), reply.error().message);
        const QJsonObject o = reply->toObject();
        if (m_json) {
            Terminal::out(QJsonDocument(o).toJson(QJsonDocument::Indented));
        } else if (m_command == QLatin1String("rm")) {
            const QJsonArray removed = o.value(QStringLiteral("removed")).toArray();
            QByteArray out =
                removed.isEmpty() ? QByteArray("no stopped or failed runs to remove\n") : QByteArray();
            for (const QJsonValue &id : removed)
                out += "removed " + id.toString().toUtf8() + '\n';
            Terminal::out(out);
        } else {
            Terminal::out(pruneText(o).toUtf8());
        }
        finish(Ok);
    });
}

QString CleanupCommand::pruneText(const QJsonObject &report)
{
    const bool dry = report.value(QStringLiteral("dryRun")).toBool();
    const QString verb = dry ? QStringLiteral("would remove") : QStringLiteral("removed");
    QString out;
    for (const QJsonValue &v : report.value(QStringLiteral("images")).toArray()) {
        const QJsonObject image = v.toObject();
        const QJsonArray tags = image.value(QStringLiteral("tags")).toArray();
        out += QStringLiteral("%1 image %2 (%3, built %4)\n")
                   .arg(verb,
                        tags.isEmpty() ? image.value(QStringLiteral("id")).toString().left(19)
                                       : tags.at(0).toString(),
                        bytes(image.value(QStringLiteral("bytes")).toDouble()),
                        image.value(QStringLiteral("created")).toString());
    }
    const QJsonObject cache = report.value(QStringLiteral("buildCache")).toObject();
    if (cache.value(QStringLiteral("records")).toInt() > 0)
        out += QStringLiteral("%1 %2 build-cache records (%3)\n")
                   .arg(verb)
                   .arg(cache.value(QStringLiteral("records")).toInt())
                   .arg(bytes(cache.value(QStringLiteral("bytes")).toDouble()));
    for (const QJsonValue &v : report.value(QStringLiteral("repositories")).toArray()) {
        const QJsonObject repo = v.toObject();
        out += QStringLiteral("%1 cloned repository %2 (%3, last used %4)\n")
                   .arg(verb, repo.value(QStringLiteral("key")).toString(),
                        bytes(repo.value(QStringLiteral("bytes")).toDouble()),
                        repo.value(QStringLiteral("lastUsed")).toString());
    }
    for (const QJsonValue &v : report.value(QStringLiteral("problems")).toArray())
        out += QStringLiteral("note: %1\n").arg(v.toString());
    const QString total = bytes(report.value(QStringLiteral("reclaimedBytes")).toDouble());
    out += dry ? QStringLiteral("nothing removed (dry run); up to %1 would come back\n").arg(total)
               : QStringLiteral("space reclaimed: up to %1 (image sizes count layers shared with "
                                "images that stay)\n")
                     .arg(total);
    return out;
}

} // namespace rr::cli
