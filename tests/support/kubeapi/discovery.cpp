// Discovery documents (/version, /api, /apis, per-group resource lists) for ApiServer.
#include "apiserver.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace rr::test::kubeapi {

namespace {
QJsonArray verbsFor(const ResourceType &)
{
    QJsonArray verbs{QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("get"),
                     QStringLiteral("list"),   QStringLiteral("patch"),  QStringLiteral("update"),
                     QStringLiteral("watch")};
    return verbs;
}

QJsonObject resourceList(const QString &group, const QString &version)
{
    QJsonArray resources;
    for (const ResourceType &t : ResourceType::all()) {
        if (t.group != group || t.version != version)
            continue;
        QJsonObject r{{QStringLiteral("name"), t.plural},
                      {QStringLiteral("singularName"), t.singular},
                      {QStringLiteral("namespaced"), t.namespaced},
                      {QStringLiteral("kind"), t.kind},
                      {QStringLiteral("verbs"), verbsFor(t)}};
        if (!t.shortNames.isEmpty())
            r.insert(QStringLiteral("shortNames"), QJsonArray::fromStringList(t.shortNames));
        resources.append(r);
        if (t.kind == QLatin1String("Pod")) {
            resources.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("pods/log")},
                                         {QStringLiteral("singularName"), QString()},
                                         {QStringLiteral("namespaced"), true},
                                         {QStringLiteral("kind"), QStringLiteral("Pod")},
                                         {QStringLiteral("verbs"), QJsonArray{QStringLiteral("get")}}});
            resources.append(QJsonObject{
                {QStringLiteral("name"), QStringLiteral("pods/portforward")},
                {QStringLiteral("singularName"), QString()},
                {QStringLiteral("namespaced"), true},
                {QStringLiteral("kind"), QStringLiteral("PodPortForwardOptions")},
                {QStringLiteral("verbs"), QJsonArray{QStringLiteral("create"), QStringLiteral("get")}}});
        }
    }
    return {{QStringLiteral("kind"), QStringLiteral("APIResourceList")},
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("groupVersion"), group.isEmpty() ? version : group + QLatin1Char('/') + version},
            {QStringLiteral("resources"), resources}};
}
} // namespace

bool ApiServer::handleDiscovery(HttpConnection *conn, const HttpRequest &req)
{
    const QString &p = req.path;
    if (p == QLatin1String("/version")) {
        sendJson(conn, 200,
                 {{QStringLiteral("major"), QStringLiteral("1")},
                  {QStringLiteral("minor"), QStringLiteral("31")},
                  {QStringLiteral("gitVersion"), QStringLiteral("v1.31.0-rr-test")},
                  {QStringLiteral("gitCommit"), QStringLiteral("0000000000000000000000000000000000000000")},
                  {QStringLiteral("gitTreeState"), QStringLiteral("clean")},
                  {QStringLiteral("buildDate"), QStringLiteral("2024-08-13T00:00:00Z")},
                  {QStringLiteral("goVersion"), QStringLiteral("go1.22.5")},
                  {QStringLiteral("compiler"), QStringLiteral("gc")},
                  {QStringLiteral("platform"), QStringLiteral("linux/amd64")}});
        return true;
    }
    if (p == QLatin1String("/api")) {
        sendJson(conn, 200,
                 {{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                  {QStringLiteral("versions"), QJsonArray{QStringLiteral("v1")}},
                  {QStringLiteral("serverAddressByClientCIDRs"),
                   QJsonArray{QJsonObject{
                       {QStringLiteral("clientCIDR"), QStringLiteral("0.0.0.0/0")},
                       {QStringLiteral("serverAddress"), QStringLiteral("127.0.0.1:%1").arg(port())}}}}});
        return true;
    }
    if (p == QLatin1String("/apis")) {
        QJsonArray groups;
        QStringList seen;
        for (const ResourceType &t : ResourceType::all()) {
            if (t.group.isEmpty() || seen.contains(t.group))
                continue;
            seen << t.group;
            const QJsonObject gv{{QStringLiteral("groupVersion"), t.apiVersion()},
                                 {QStringLiteral("version"), t.version}};
            groups.append(QJsonObject{{QStringLiteral("name"), t.group},
                                      {QStringLiteral("versions"), QJsonArray{gv}},
                                      {QStringLiteral("preferredVersion"), gv}});
        }
        sendJson(conn, 200,
                 {{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                  {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                  {QStringLiteral("groups"), groups}});
        return true;
    }
    const QStringList segs = p.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segs.size() == 2 && segs.at(0) == QLatin1String("api")) {
        sendJson(conn, 200, resourceList(QString(), segs.at(1)));
        return true;
    }
    if (segs.size() == 3 && segs.at(0) == QLatin1String("apis")) {
        const QJsonObject list = resourceList(segs.at(1), segs.at(2));
        if (list.value(QStringLiteral("resources")).toArray().isEmpty())
            return false;
        sendJson(conn, 200, list);
        return true;
    }
    if (segs.size() == 2 && segs.at(0) == QLatin1String("apis")) {
        for (const ResourceType &t : ResourceType::all()) {
            if (t.group != segs.at(1))
                continue;
            const QJsonObject gv{{QStringLiteral("groupVersion"), t.apiVersion()},
                                 {QStringLiteral("version"), t.version}};
            sendJson(conn, 200,
                     {{QStringLiteral("kind"), QStringLiteral("APIGroup")},
                      {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("name"), t.group},
                      {QStringLiteral("versions"), QJsonArray{gv}},
                      {QStringLiteral("preferredVersion"), gv}});
            return true;
        }
    }
    if (p.startsWith(QLatin1String("/openapi/"))) {
        // No OpenAPI documents: clients must skip client-side validation (kubectl --validate=false).
        ApiStatus s{404,
                    QStringLiteral("NotFound"),
                    QStringLiteral("the server could not find the requested resource"),
                    {},
                    {},
                    {},
                    {}};
        s.hasDetails = false;
        sendStatus(conn, s);
        return true;
    }
    return false;
}

} // namespace rr::test::kubeapi
