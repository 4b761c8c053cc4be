#include "apiserver.h"

#include "jsonutil.h"
#include "portforwardsession.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslKey>
#include <QSslServer>
#include <QTimer>

namespace rr::test::kubeapi {

namespace {
QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

WriteOptions writeOptions(const HttpRequest &req)
{
    WriteOptions o;
    o.dryRun = req.param("dryRun") == QLatin1String("All");
    o.force = req.flag("force");
    o.fieldManager = req.param("fieldManager");
    o.fieldValidation = req.param("fieldValidation");
    if (o.fieldValidation.isEmpty())
        o.fieldValidation = QStringLiteral("Warn");
    return o;
}
} // namespace

ApiServer::ApiServer(QObject *parent)
    : QObject(parent)
{
    m_store = new ObjectStore(this);
    m_registry = new Registry(m_store, &m_schema, &m_config, this);
    connect(m_store, &ObjectStore::changed, this, &ApiServer::dispatch);
}

ApiServer::~ApiServer()
{
    qDeleteAll(m_watches);
}

bool ApiServer::start(const Options &options, QString *error)
{
    if (!m_schema.load(options.schemaFile, error))
        return false;
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(options.certFile);
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(options.caFile);
    const QSslKey key(readFile(options.keyFile), QSsl::Rsa, QSsl::Pem);
    if (chain.isEmpty() || ca.isEmpty() || key.isNull()) {
        *error = QStringLiteral("cannot load certificate, key or CA");
        return false;
    }
    m_config.caPem = QString::fromLatin1(readFile(options.caFile));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setCaCertificates(ca);
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer); // clients must present a certificate from our CA
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_server = new QSslServer(this);
    m_server->setSslConfiguration(tls);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            auto *conn = new HttpConnection(socket, this);
            connect(conn, &HttpConnection::requestReceived, this,
                    [this, conn](const HttpRequest &req) { handle(conn, req); });
        }
    });
    if (!m_server->listen(QHostAddress::LocalHost, options.port)) {
        *error = m_server->errorString();
        return false;
    }
    m_simulator = new Simulator(m_registry, &m_config, this);
    // The cluster starts with the namespaces every real cluster has.
    for (const char *ns : {"default", "kube-system", "kube-public"})
        m_registry->create(Registry::type("namespaces"), QString(),
                           QJsonObject{{QStringLiteral("metadata"),
                                        QJsonObject{{QStringLiteral("name"), QString::fromLatin1(ns)}}}},
                           WriteOptions());
    return true;
}

quint16 ApiServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void ApiServer::sendJson(HttpConnection *conn, int code, const QJsonObject &body, const QStringList &warnings)
{
    HeaderList extra;
    for (const QString &w : warnings)
        extra.append(
            qMakePair(QByteArray("Warning"), QByteArray("299 - \"" + w.toUtf8().replace('"', "\\\"") + '"')));
    conn->respond(code, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n', extra);
}

void ApiServer::sendStatus(HttpConnection *conn, const ApiStatus &status)
{
    conn->respond(status.code, "application/json", status.body());
}

void ApiServer::handle(HttpConnection *conn, const HttpRequest &req)
{
    if (req.path.startsWith(QLatin1String("/rr-test/")))
        return handleControl(conn, req);
    if (handleDiscovery(conn, req))
        return;
    const QStringList segs = req.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString group, version;
    QStringList rest;
    if (segs.value(0) == QLatin1String("api") && segs.size() >= 3) {
        version = segs.at(1);
        rest = segs.mid(2);
    } else if (segs.value(0) == QLatin1String("apis") && segs.size() >= 4) {
        group = segs.at(1);
        version = segs.at(2);
        rest = segs.mid(3);
    } else {
        ApiStatus s{404,
                    QStringLiteral("NotFound"),
                    QStringLiteral("the server could not find the requested resource"),
                    {},
                    {},
                    {},
                    {}};
        return sendStatus(conn, s);
    }
    QString ns, plural, name, sub;
    if (rest.value(0) == QLatin1String("namespaces") && rest.size() >= 3 &&
        ResourceType::find(group, version, rest.at(2))) {
        ns = rest.at(1);
        plural = rest.at(2);
        name = rest.value(3);
        sub = rest.value(4);
    } else {
        plural = rest.value(0);
        name = rest.value(1);
        sub = rest.value(2);
    }
    const ResourceType *type = ResourceType::find(group, version, plural);
    if (!type || (!ns.isEmpty() && !type->namespaced)) {
        ApiStatus s{404,
                    QStringLiteral("NotFound"),
                    QStringLiteral("the server could not find the requested resource"),
                    {},
                    {},
                    {},
                    {}};
        return sendStatus(conn, s);
    }
    handleResource(conn, req, *type, ns, name, sub);
}

void ApiServer::handleResource(HttpConnection *conn, const HttpRequest &req, const ResourceType &type,
                               const QString &ns, const QString &name, const QString &sub)
{
    const QByteArray method = req.method;
    if (name.isEmpty()) {
        if (method == "GET")
            return handleList(conn, req, type, ns);
        if (method == "POST") {
            QJsonParseError perr;
            const QJsonDocument doc = QJsonDocument::fromJson(req.body, &perr);
            if (!doc.isObject())
                return sendStatus(conn, ApiStatus::badRequest(
                                            QStringLiteral("couldn't get version/kind; json parse error: %1")
                                                .arg(perr.errorString())));
            const Outcome out = m_registry->create(type, ns, doc.object(), writeOptions(req));
            if (out.error)
                return sendStatus(conn, *out.error);
            return sendJson(conn, out.code, out.object, out.warnings);
        }
        return sendStatus(conn, ApiStatus::methodNotAllowed());
    }
    const QString storeNs = type.namespaced ? ns : QString();
    if (type.kind == QLatin1String("Pod") && sub == QLatin1String("log"))
        return m_simulator->serveLog(conn, ns, name, req);
    if (type.kind == QLatin1String("Pod") && sub == QLatin1String("portforward"))
        return handlePortForward(conn, req, ns, name);
    if (!sub.isEmpty() && sub != QLatin1String("status")) {
        ApiStatus s{404,
                    QStringLiteral("NotFound"),
                    QStringLiteral("the server could not find the requested resource"),
                    {},
                    {},
                    {},
                    {}};
        return sendStatus(conn, s);
    }
    if (method == "GET") {
        const auto obj = m_store->get(type, storeNs, name);
        if (!obj)
            return sendStatus(conn, ApiStatus::notFound(type, name));
        return sendJson(conn, 200, *obj);
    }
    if (method == "DELETE") {
        QJsonObject options = QJsonDocument::fromJson(req.body).object();
        if (!req.param("gracePeriodSeconds").isEmpty())
            options.insert(QStringLiteral("gracePeriodSeconds"), req.param("gracePeriodSeconds").toInt());
        if (!req.param("propagationPolicy").isEmpty())
            options.insert(QStringLiteral("propagationPolicy"), req.param("propagationPolicy"));
        const Outcome out =
            m_registry->remove(type, ns, name, options, req.param("dryRun") == QLatin1String("All"));
        if (out.error)
            return sendStatus(conn, *out.error);
        return sendJson(conn, 200, out.object);
    }
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(req.body, &perr);
    if (!doc.isObject())
        return sendStatus(
            conn,
            ApiStatus::badRequest(
                QStringLiteral("couldn't get version/kind; json parse error: %1").arg(perr.errorString())));
    WriteOptions opts = writeOptions(req);
    if (method == "PUT") {
        if (sub == QLatin1String("status")) {
            auto obj = m_store->get(type, storeNs, name);
            if (!obj)
                return sendStatus(conn, ApiStatus::notFound(type, name));
            obj->insert(QStringLiteral("status"), doc.object().value(QStringLiteral("status")));
            return sendJson(conn, 200, m_registry->write(type, *obj));
        }
        if (opts.fieldManager.isEmpty())
            opts.fieldManager = QString::fromLatin1(req.header("user-agent").split('/').value(0));
        const Outcome out = m_registry->replace(type, ns, name, doc.object(), opts);
        if (out.error)
            return sendStatus(conn, *out.error);
        return sendJson(conn, out.code, out.object, out.warnings);
    }
    if (method == "PATCH") {
        const QByteArray ct = req.header("content-type").split(';').value(0).trimmed();
        Outcome out;
        if (ct == "application/apply-patch+yaml") {
            out = m_registry->apply(type, ns, name, doc.object(), opts);
        } else if (ct == "application/merge-patch+json" || ct == "application/strategic-merge-patch+json") {
            out = m_registry->patch(type, ns, name, doc.object(), opts);
        } else {
            ApiStatus s{
                415,
                QStringLiteral("UnsupportedMediaType"),
                QStringLiteral(
                    "the body of the request was in an unknown format - accepted media types include: "
                    "application/json-patch+json, application/merge-patch+json, "
                    "application/apply-patch+yaml"),
                {},
                {},
                {},
                {}};
            s.hasDetails = false;
            return sendStatus(conn, s);
        }
        if (out.error)
            return sendStatus(conn, *out.error);
        return sendJson(conn, out.code, out.object, out.warnings);
    }
    sendStatus(conn, ApiStatus::methodNotAllowed());
}

void ApiServer::handleList(HttpConnection *conn, const HttpRequest &req, const ResourceType &type,
                           const QString &ns)
{
    Selector labels, fields;
    QString error;
    if (!Selector::parse(req.param("labelSelector"), false, &labels, &error) ||
        !Selector::parse(req.param("fieldSelector"), true, &fields, &error))
        return sendStatus(conn, ApiStatus::badRequest(error));
    if (req.flag("watch"))
        return startWatch(conn, req, type, ns, labels, fields);
    QJsonArray items;
    for (QJsonObject o : m_store->list(type, ns)) {
        if (!labels.matches(o) || !fields.matches(o))
            continue;
        o.remove(QStringLiteral("kind"));
        o.remove(QStringLiteral("apiVersion"));
        items.append(o);
    }
    sendJson(conn, 200,
             QJsonObject{{QStringLiteral("kind"), type.listKind()},
                         {QStringLiteral("apiVersion"), type.apiVersion()},
                         {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("resourceVersion"),
                                                                   QString::number(m_store->currentRv())}}},
                         {QStringLiteral("items"), items}});
}

static QByteArray eventLine(const QString &type, const QJsonObject &object)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("object"), object}})
               .toJson(QJsonDocument::Compact) +
           '\n';
}

void ApiServer::startWatch(HttpConnection *conn, const HttpRequest &req, const ResourceType &type,
                           const QString &ns, const Selector &labels, const Selector &fields)
{
    const QString rvText = req.param("resourceVersion");
    const qint64 rv = rvText.toLongLong();
    const bool tooOld = !rvText.isEmpty() && rv != 0 && rv < m_store->oldestWatchableRv();
    const bool injected = m_config.expireWatches > 0;
    if (injected)
        --m_config.expireWatches;
    if (tooOld || injected) {
        const ApiStatus expired = ApiStatus::expired(QStringLiteral("too old resource version: %1 (%2)")
                                                         .arg(rvText.isEmpty() ? QStringLiteral("0") : rvText)
                                                         .arg(m_store->currentRv()));
        if (injected && m_config.expireAsHttp)
            return sendStatus(conn, expired);
        conn->beginStream(200, "application/json");
        conn->writeChunk(eventLine(QStringLiteral("ERROR"), expired.toJson()));
        return conn->endStream();
    }
    auto *w = new Watch;
    w->conn = conn;
    w->type = &type;
    w->ns = ns;
    w->labels = labels;
    w->fields = fields;
    w->lastRv = m_store->currentRv();
    m_watches.append(w);
    conn->beginStream(200, "application/json");
    if (rvText.isEmpty() || rv == 0) {
        for (const QJsonObject &o : m_store->list(type, ns)) {
            if (labels.matches(o) && fields.matches(o))
                conn->writeChunk(eventLine(QStringLiteral("ADDED"), o));
        }
    } else {
        for (const WatchEvent &e : m_store->eventsAfter(rv)) {
            if (e.resource == &type && (ns.isEmpty() || e.ns == ns) && labels.matches(e.object) &&
                fields.matches(e.object))
                conn->writeChunk(eventLine(e.type, e.object));
        }
    }
    connect(conn, &HttpConnection::closed, this, [this, w] { endWatch(w); });
    if (req.flag("allowWatchBookmarks")) {
        w->bookmark = new QTimer(conn);
        connect(w->bookmark, &QTimer::timeout, conn, [w] {
            if (!w->conn)
                return;
            w->conn->writeChunk(eventLine(
                QStringLiteral("BOOKMARK"),
                QJsonObject{{QStringLiteral("kind"), w->type->kind},
                            {QStringLiteral("apiVersion"), w->type->apiVersion()},
                            {QStringLiteral("metadata"),
                             QJsonObject{{QStringLiteral("resourceVersion"), QString::number(w->lastRv)}}}}));
        });
        w->bookmark->start(m_config.bookmarkIntervalMs);
    }
    const int timeout = req.param("timeoutSeconds").toInt();
    if (timeout > 0)
        QTimer::singleShot(timeout * 1000, conn, [this, w] {
            if (w->conn)
                w->conn->endStream();
            endWatch(w);
        });
}

void ApiServer::dispatch(const WatchEvent &event)
{
    for (Watch *w : m_watches) {
        if (!w->conn)
            continue;
        w->lastRv = event.rv;
        if (event.resource != w->type || (!w->ns.isEmpty() && event.ns != w->ns))
            continue;
        if (!w->labels.matches(event.object) || !w->fields.matches(event.object))
            continue;
        w->conn->writeChunk(eventLine(event.type, event.object));
    }
}

void ApiServer::endWatch(Watch *w)
{
    if (!m_watches.removeOne(w))
        return;
    if (w->bookmark)
        w->bookmark->stop();
    delete w;
}

void ApiServer::handlePortForward(HttpConnection *conn, const HttpRequest &req, const QString &ns,
                                  const QString &podName)
{
    const ResourceType &podType = Registry::type("pods");
    const auto pod = m_store->get(podType, ns, podName);
    if (!pod)
        return sendStatus(conn, ApiStatus::notFound(podType, podName));
    if (valueAt(*pod, {QStringLiteral("status"), QStringLiteral("phase")}).toString() !=
        QLatin1String("Running"))
        return sendStatus(conn, ApiStatus::badRequest(QStringLiteral("pod %1 is not running").arg(podName)));
    const QByteArray key = req.header("sec-websocket-key");
    const QList<QByteArray> protocols = req.header("sec-websocket-protocol").split(',');
    bool v4 = false;
    for (const QByteArray &p : protocols)
        v4 = v4 || p.trimmed() == "v4.channel.k8s.io";
    if (req.header("upgrade").toLower() != "websocket" || key.isEmpty() || !v4)
        return sendStatus(conn, ApiStatus::badRequest(QStringLiteral(
                                    "upgrade request required (websocket, v4.channel.k8s.io)")));
    // As a real kubelet: its port-forward route produces no JSON, so a client that accepts only
    // JSON is refused with 406 before the upgrade (found by running against a real cluster).
    const QByteArray acceptHeader = req.header("accept");
    if (!acceptHeader.isEmpty() && !acceptHeader.contains("*/*"))
        return conn->respond(406, "text/plain; charset=utf-8",
                             "406: Not Acceptable\n\nAvailable representations: ");
    QList<PortForwardSession::Target> targets;
    const QJsonObject annotations = meta(*pod).value(QStringLiteral("annotations")).toObject();
    for (const auto &item : req.query.queryItems(QUrl::FullyDecoded)) {
        if (item.first != QLatin1String("ports"))
            continue;
        for (const QString &p : item.second.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            PortForwardSession::Target t;
            t.port = quint16(p.toUInt());
            QString where =
                annotations.value(QStringLiteral("test.reporunner.dev/forward-") + p.trimmed()).toString();
            if (where.isEmpty())
                where = m_config.forwardTargets.value(t.port);
            if (!where.isEmpty()) {
                t.host = where.section(QLatin1Char(':'), 0, 0);
                t.hostPort = quint16(where.section(QLatin1Char(':'), 1).toUInt());
            }
            targets << t;
        }
    }
    if (targets.isEmpty())
        return sendStatus(conn,
                          ApiStatus::badRequest(QStringLiteral("query parameter \"port\" is required")));
    const QByteArray accept =
        QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    QByteArray leftover;
    QTcpSocket *socket = conn->upgrade(&leftover);
    socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: " +
                  accept + "\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n");
    new PortForwardSession(socket, leftover, targets, ns + QLatin1Char('/') + podName, this);
}

void ApiServer::handleControl(HttpConnection *conn, const HttpRequest &req)
{
    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    const QString what = req.path.mid(9);
    if (what == QLatin1String("health"))
        return conn->respond(200, "text/plain", "ok\n");
    if (req.method != "POST")
        return sendStatus(conn, ApiStatus::methodNotAllowed());
    if (what == QLatin1String("config")) {
        m_config.bookmarkIntervalMs =
            body.value(QStringLiteral("bookmarkIntervalMs")).toInt(m_config.bookmarkIntervalMs);
        m_config.namespaceTerminationMs =
            body.value(QStringLiteral("namespaceTerminationMs")).toInt(m_config.namespaceTerminationMs);
        m_config.podTerminationMs =
            body.value(QStringLiteral("podTerminationMs")).toInt(m_config.podTerminationMs);
        m_config.networkPolicyEnforced =
            body.value(QStringLiteral("networkPolicyEnforced")).toBool(m_config.networkPolicyEnforced);
    } else if (what == QLatin1String("expire-watches")) {
        m_config.expireWatches = body.value(QStringLiteral("count")).toInt(1);
        m_config.expireAsHttp = body.value(QStringLiteral("mode")).toString() == QLatin1String("http");
    } else if (what == QLatin1String("images")) {
        m_config.deliveredImages.insert(body.value(QStringLiteral("image")).toString());
    } else if (what == QLatin1String("registry")) {
        m_config.registries.insert(body.value(QStringLiteral("host")).toString(),
                                   body.value(QStringLiteral("url")).toString());
    } else if (what == QLatin1String("forward")) {
        m_config.forwardTargets.insert(body.value(QStringLiteral("port")).toInt(),
                                       body.value(QStringLiteral("target")).toString());
    } else if (what == QLatin1String("compact")) {
        m_store->compact();
    } else {
        return sendStatus(conn,
                          ApiStatus::badRequest(QStringLiteral("unknown control endpoint %1").arg(what)));
    }
    sendJson(conn, 200, QJsonObject{{QStringLiteral("ok"), true}});
}

} // namespace rr::test::kubeapi
