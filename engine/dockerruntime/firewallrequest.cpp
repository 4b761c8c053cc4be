#include "dockerruntime/firewallrequest.h"

#include "dockerruntime/runfirewall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;

const QString BadRequest = QStringLiteral("firewall.bad_request");

core::Unexpected refuse(const QString &why)
{
    return core::fail(ErrorCategory::Input, BadRequest,
                      QStringLiteral("The firewall helper refused the request: %1").arg(why));
}

QString opName(FirewallRequest::Op op)
{
    switch (op) {
    case FirewallRequest::Op::Install:
        return QStringLiteral("install");
    case FirewallRequest::Op::Remove:
        return QStringLiteral("remove");
    case FirewallRequest::Op::Labels:
        break;
    }
    return QStringLiteral("labels");
}

bool isName(const QString &text)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return name.match(text).hasMatch();
}

} // namespace

QByteArray FirewallRequest::encode() const
{
    QJsonObject o{{QStringLiteral("op"), opName(op)}, {QStringLiteral("owner"), owner}};
    if (op != Op::Labels)
        o.insert(QStringLiteral("run"), runLabel);
    if (op == Op::Install) {
        o.insert(QStringLiteral("bridge"), bridge);
        o.insert(QStringLiteral("offline"), offline);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

core::Result<FirewallRequest> FirewallRequest::decode(const QByteArray &line)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return refuse(QStringLiteral("it is not one JSON object"));
    const QJsonObject o = doc.object();
    FirewallRequest r;
    const QString op = o.value(QStringLiteral("op")).toString();
    if (op == QLatin1String("install"))
        r.op = Op::Install;
    else if (op == QLatin1String("remove"))
        r.op = Op::Remove;
    else if (op != QLatin1String("labels"))
        return refuse(QStringLiteral("unknown operation \"%1\"").arg(op.left(32)));
    r.owner = o.value(QStringLiteral("owner")).toString();
    if (!isName(r.owner))
        return refuse(QStringLiteral("the engine name is not one an engine makes"));
    if (r.op == Op::Labels)
        return r;
    r.runLabel = o.value(QStringLiteral("run")).toString();
    if (!isName(r.runLabel))
        return refuse(QStringLiteral("the run name is not one an engine makes"));
    if (r.op == Op::Remove)
        return r;
    r.bridge = o.value(QStringLiteral("bridge")).toString();
    r.offline = o.value(QStringLiteral("offline")).toBool();
    if (r.bridge != RunFirewall(r.owner, r.runLabel).bridge())
        return refuse(QStringLiteral("the bridge is not the run's own"));
    return r;
}

QByteArray FirewallRequest::encodeReply(const core::Result<QStringList> &result)
{
    QJsonObject o{{QStringLiteral("ok"), result.has_value()}};
    if (result) {
        o.insert(QStringLiteral("labels"), QJsonArray::fromStringList(*result));
    } else {
        o.insert(QStringLiteral("code"), result.error().code);
        o.insert(QStringLiteral("message"), result.error().message);
        o.insert(QStringLiteral("details"), result.error().details);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

core::Result<QStringList> FirewallRequest::decodeReply(const QByteArray &line)
{
    const QJsonObject o = QJsonDocument::fromJson(line.trimmed()).object();
    if (o.value(QStringLiteral("ok")).toBool()) {
        QStringList labels;
        for (const QJsonValue &v : o.value(QStringLiteral("labels")).toArray())
            labels << v.toString();
        return labels;
    }
    const QString code = o.value(QStringLiteral("code")).toString();
    core::Error e = core::makeError(
        ErrorCategory::Docker, code.isEmpty() ? QStringLiteral("docker.firewall") : code,
        o.value(QStringLiteral("message")).toString(QStringLiteral("The firewall helper gave no answer.")));
    e.details = o.value(QStringLiteral("details")).toString();
    return core::fail(e);
}

} // namespace rr::dockerruntime
