#pragma once

#include "httpconnection.h"
#include "objectstore.h"
#include "registry.h"
#include "schema.h"
#include "selector.h"
#include "serverconfig.h"
#include "simulator.h"

#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

class QSslServer;

namespace rr::test::kubeapi {

// The test API server: HTTPS with client certificates, discovery, REST verbs, watches, logs,
// port-forward and the /rr-test control API. Single-threaded on the caller's event loop.
class ApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    struct Options
    {
        QString certFile;
        QString keyFile;
        QString caFile;
        QString schemaFile;
        quint16 port = 0;
    };
    explicit ApiServer(QObject *parent = nullptr);
    ~ApiServer() override;

    bool start(const Options &options, QString *error);
    quint16 port() const;
    ServerConfig &config() { return m_config; }

private:
    struct Watch
    {
        QPointer<HttpConnection> conn;
        const ResourceType *type = nullptr;
        QString ns;
        Selector labels;
        Selector fields;
        qint64 lastRv = 0;
        QTimer *bookmark = nullptr;
        QTimer *timeout = nullptr;
    };

    void handle(HttpConnection *conn, const HttpRequest &req);
    void handleResource(HttpConnection *conn, const HttpRequest &req, const ResourceType &type,
                        const QString &ns, const QString &name, const QString &sub);
    void handleList(HttpConnection *conn, const HttpRequest &req, const ResourceType &type,
                    const QString &ns);
    void startWatch(HttpConnection *conn, const HttpRequest &req, const ResourceType &type, const QString &ns,
                    const Selector &labels, const Selector &fields);
    void dispatch(const WatchEvent &event);
    void endWatch(Watch *w);
    void handleControl(HttpConnection *conn, const HttpRequest &req);
    void handlePortForward(HttpConnection *conn, const HttpRequest &req, const QString &ns,
                           const QString &pod);
    bool handleDiscovery(HttpConnection *conn, const HttpRequest &req);
    void sendJson(HttpConnection *conn, int code, const QJsonObject &body, const QStringList &warnings = {});
    void sendStatus(HttpConnection *conn, const ApiStatus &status);

    QSslServer *m_server = nullptr;
    ServerConfig m_config;
    Schema m_schema;
    ObjectStore *m_store = nullptr;
    Registry *m_registry = nullptr;
    Simulator *m_simulator = nullptr;
    QList<Watch *> m_watches;
};

} // namespace rr::test::kubeapi
