#include "browserpolicy.h"

#include <QHash>
#include <QSet>
#include <QUrl>

namespace rr::nativehost {

namespace {

using Keys = QSet<QString>;

// Method -> parameters the extension sends with it.
const QHash<QString, Keys> &methodParams()
{
    static const QHash<QString, Keys> params{
        {QStringLiteral("hello"), {QStringLiteral("client"), QStringLiteral("version")}},
        {QStringLiteral("subscribe"), {QStringLiteral("runs"), QStringLiteral("logs")}},
        {QStringLiteral("detect"), {QStringLiteral("source")}},
        {QStringLiteral("plan"), {QStringLiteral("source"), QStringLiteral("options")}},
        {QStringLiteral("start"), {QStringLiteral("source"), QStringLiteral("options")}},
        {QStringLiteral("stop"), {QStringLiteral("runId")}},
        {QStringLiteral("get"), {QStringLiteral("runId")}},
        {QStringLiteral("logs"),
         {QStringLiteral("runId"), QStringLiteral("service"), QStringLiteral("from"),
          QStringLiteral("count")}},
        {QStringLiteral("list"), {}},
    };
    return params;
}

// Options the extension's pages set. allowUnsafe and offline come only from its consent page;
// values (which may hold secrets) and dockerfile/replace are for the CLI and the app.
const Keys &planOptions()
{
    static const Keys keys{QStringLiteral("mode"),     QStringLiteral("profiles"),
                           QStringLiteral("services"), QStringLiteral("primary"),
                           QStringLiteral("runtime"),  QStringLiteral("allowUnsafe"),
                           QStringLiteral("offline")};
    return keys;
}

const Keys &startOptions()
{
    static const Keys keys = planOptions() + Keys{QStringLiteral("idempotencyKey")};
    return keys;
}

// A repository on the web, named without credentials: never a local path, a file: URL or
// another scheme the engine would also accept from the CLI.
std::optional<QString> sourceProblem(const QJsonValue &value)
{
    if (!value.isString())
        return QStringLiteral("the source must be a repository's https address");
    const QUrl url(value.toString(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("https") || url.host().isEmpty())
        return QStringLiteral(
            "the browser may only name a repository by its https address, never a local path");
    if (!url.userInfo().isEmpty())
        return QStringLiteral("the source must not carry credentials");
    return std::nullopt;
}

} // namespace

std::optional<QString> BrowserPolicy::refusal(const QString &method, const QJsonObject &params)
{
    const auto allowed = methodParams().constFind(method);
    if (allowed == methodParams().constEnd())
        return QStringLiteral("the browser may not call \"%1\"").arg(method.left(64));
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!allowed->contains(it.key()))
            return QStringLiteral("the browser may not send \"%1\" with \"%2\"")
                .arg(it.key().left(64), method);
    }
    if (params.contains(QStringLiteral("source"))) {
        if (auto problem = sourceProblem(params.value(QStringLiteral("source"))))
            return problem;
    }
    if (params.contains(QStringLiteral("options"))) {
        const QJsonValue options = params.value(QStringLiteral("options"));
        if (!options.isObject())
            return QStringLiteral("the options must be an object");
        const Keys &keys = method == QLatin1String("start") ? startOptions() : planOptions();
        const QJsonObject o = options.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!keys.contains(it.key()))
                return QStringLiteral("the browser may not set the option \"%1\"").arg(it.key().left(64));
        }
    }
    return std::nullopt;
}

} // namespace rr::nativehost
