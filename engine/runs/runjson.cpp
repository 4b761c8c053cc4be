#include "runs/runjson.h"

#include <type_traits>

namespace rr::runs {

namespace {

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList toList(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

QString iso(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

// `--set` values can be secrets: clients (every subscriber, web pages' content scripts
// included) learn which names were set, never the values. They stay in the private run store,
// where a restarted engine needs them to plan the run again.
QJsonObject withoutValues(QJsonObject request)
{
    const QJsonObject values = request.take(QStringLiteral("values")).toObject();
    if (!values.isEmpty())
        request.insert(QStringLiteral("valueNames"), QJsonArray::fromStringList(values.keys()));
    return request;
}

// The quota's fields by their JSON names; integers of either width go through qint64 (JSON
// doubles hold them exactly up to 2^53).
template<typename Visit> void forEachQuotaField(plan::QuotaSettings &q, Visit visit)
{
    visit("requestsCpuMilli", q.requestsCpuMilli);
    visit("limitsCpuMilli", q.limitsCpuMilli);
    visit("requestsMemory", q.requestsMemory);
    visit("limitsMemory", q.limitsMemory);
    visit("pods", q.pods);
    visit("services", q.services);
    visit("configMaps", q.configMaps);
    visit("secrets", q.secrets);
    visit("defaultCpuMilli", q.defaultCpuMilli);
    visit("defaultMemory", q.defaultMemory);
    visit("defaultRequestCpuMilli", q.defaultRequestCpuMilli);
    visit("defaultRequestMemory", q.defaultRequestMemory);
    visit("ephemeralStorage", q.ephemeralStorage);
    visit("ephemeralStorageRequest", q.ephemeralStorageRequest);
    visit("defaultPids", q.defaultPids);
}

} // namespace

QJsonObject RunJson::fromQuota(const plan::QuotaSettings &quota)
{
    QJsonObject out;
    plan::QuotaSettings copy = quota;
    forEachQuotaField(
        copy, [&out](const char *name, auto &field) { out.insert(QLatin1String(name), double(field)); });
    return out;
}

plan::QuotaSettings RunJson::toQuota(const QJsonValue &json)
{
    plan::QuotaSettings quota;
    const QJsonObject o = json.toObject();
    forEachQuotaField(quota, [&o](const char *name, auto &field) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isDouble() && v.toDouble() > 0)
            field = static_cast<std::remove_reference_t<decltype(field)>>(v.toInteger());
    });
    // A stored quota no engine would accept (edited by hand, say) gives way to the defaults.
    return quota.validate() ? quota : plan::QuotaSettings{};
}

QJsonObject RunJson::fromRecord(const RunRecord &run)
{
    QJsonArray phases;
    for (const PhaseRecord &p : run.phases) {
        QJsonObject o{{QStringLiteral("phase"), stateName(p.phase)},
                      {QStringLiteral("startedAt"), iso(p.startedAt)},
                      {QStringLiteral("progress"), p.progress}};
        if (p.finishedAt.isValid()) {
            o.insert(QStringLiteral("finishedAt"), iso(p.finishedAt));
            o.insert(QStringLiteral("durationMs"), double(p.startedAt.msecsTo(p.finishedAt)));
        }
        phases.append(o);
    }
    QJsonObject o{{QStringLiteral("id"), run.id},
                  {QStringLiteral("source"), run.source},
                  {QStringLiteral("owner"), run.owner},
                  {QStringLiteral("repo"), run.repo},
                  {QStringLiteral("ref"), run.ref},
                  {QStringLiteral("commit"), run.commit},
                  {QStringLiteral("mode"), run.mode},
                  {QStringLiteral("runtime"), run.runtime},
                  {QStringLiteral("state"), stateName(run.state)},
                  {QStringLiteral("createdAt"), iso(run.createdAt)},
                  {QStringLiteral("updatedAt"), iso(run.updatedAt)},
                  {QStringLiteral("phases"), phases},
                  {QStringLiteral("endpoints"), run.details.value(QStringLiteral("endpoints"))},
                  {QStringLiteral("services"), run.details.value(QStringLiteral("services"))},
                  {QStringLiteral("request"), withoutValues(run.request)}};
    const QString url = primaryUrl(run);
    if (!url.isEmpty())
        o.insert(QStringLiteral("previewUrl"), url);
    if (run.details.value(QStringLiteral("kept")).toBool()) // failed, resources up until stopped
        o.insert(QStringLiteral("kept"), true);
    if (run.diagnosis) {
        const Diagnosis &d = *run.diagnosis;
        o.insert(QStringLiteral("diagnosis"),
                 QJsonObject{{QStringLiteral("phase"), d.phase},
                             {QStringLiteral("code"), d.code},
                             {QStringLiteral("summary"), d.summary},
                             {QStringLiteral("service"), d.service},
                             {QStringLiteral("lastLines"), toArray(d.lastLines)}});
    }
    return o;
}

QJsonObject RunJson::fromRequest(const PlanRequest &r)
{
    QJsonObject values;
    for (auto it = r.values.begin(); it != r.values.end(); ++it)
        values.insert(it.key(), it.value());
    QJsonObject o{{QStringLiteral("source"), r.source},
                  {QStringLiteral("dockerfile"), r.dockerfile},
                  {QStringLiteral("files"), toArray(r.composeFiles)},
                  {QStringLiteral("profiles"), toArray(r.profiles)},
                  {QStringLiteral("services"), toArray(r.services)},
                  {QStringLiteral("primary"), r.primaryService},
                  {QStringLiteral("values"), values},
                  {QStringLiteral("allowUnsafe"), r.allowUnsafe},
                  {QStringLiteral("offline"), r.offline},
                  {QStringLiteral("fastProbes"), r.fastProbes}};
    if (r.keepOnFailure) // a start option only: `plan` does not take it
        o.insert(QStringLiteral("keepOnFailure"), true);
    if (r.mode)
        o.insert(QStringLiteral("mode"), *r.mode == project::ProjectMode::Compose
                                             ? QStringLiteral("compose")
                                             : QStringLiteral("dockerfile"));
    return o;
}

PlanRequest RunJson::toRequest(const QJsonObject &o)
{
    PlanRequest r;
    r.source = o.value(QStringLiteral("source")).toString();
    const QString mode = o.value(QStringLiteral("mode")).toString();
    if (mode == QLatin1String("compose"))
        r.mode = project::ProjectMode::Compose;
    else if (mode == QLatin1String("dockerfile"))
        r.mode = project::ProjectMode::Dockerfile;
    r.dockerfile = o.value(QStringLiteral("dockerfile")).toString();
    r.composeFiles = toList(o.value(QStringLiteral("files")));
    r.profiles = toList(o.value(QStringLiteral("profiles")));
    r.services = toList(o.value(QStringLiteral("services")));
    r.primaryService = o.value(QStringLiteral("primary")).toString();
    const QJsonObject values = o.value(QStringLiteral("values")).toObject();
    for (auto it = values.begin(); it != values.end(); ++it)
        r.values.insert(it.key(), it.value().toString());
    r.allowUnsafe = o.value(QStringLiteral("allowUnsafe")).toBool();
    r.offline = o.value(QStringLiteral("offline")).toBool();
    r.fastProbes = o.value(QStringLiteral("fastProbes")).toBool();
    r.keepOnFailure = o.value(QStringLiteral("keepOnFailure")).toBool();
    return r;
}

QJsonObject RunJson::fromLogLine(const LogLine &l)
{
    return QJsonObject{{QStringLiteral("id"), double(l.id)},
                       {QStringLiteral("service"), l.service},
                       {QStringLiteral("time"), iso(l.time)},
                       {QStringLiteral("stream"), l.stream},
                       {QStringLiteral("text"), l.text}};
}

QJsonArray RunJson::fromLogLines(const QList<LogLine> &lines)
{
    QJsonArray out;
    for (const LogLine &l : lines)
        out.append(fromLogLine(l));
    return out;
}

QString RunJson::primaryUrl(const RunRecord &run)
{
    const QJsonArray endpoints = run.details.value(QStringLiteral("endpoints")).toArray();
    QString first;
    for (const QJsonValue &v : endpoints) {
        const QJsonObject e = v.toObject();
        const QString url = e.value(QStringLiteral("url")).toString();
        if (url.isEmpty())
            continue;
        if (e.value(QStringLiteral("primary")).toBool())
            return url;
        if (first.isEmpty())
            first = url;
    }
    return first;
}

} // namespace rr::runs
