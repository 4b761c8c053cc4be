// rr-test-apiserver: the Kubernetes test API server as a process for kubectl, python and C++ tests.
#include "apiserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

using rr::test::kubeapi::ApiServer;

namespace {
QByteArray b64(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().toBase64() : QByteArray();
}

bool writeKubeconfig(const QString &out, quint16 port, const QString &ca, const QString &cert,
                     const QString &key)
{
    QFile f(out);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: rr-test\n  cluster:\n    server: "
            "https://127.0.0.1:" +
            QByteArray::number(port) + "\n    certificate-authority-data: " + b64(ca) +
            "\nusers:\n- name: rr-test-admin\n  user:\n    client-certificate-data: " + b64(cert) +
            "\n    client-key-data: " + b64(key) +
            "\ncontexts:\n- name: rr-test\n  context:\n    cluster: rr-test\n    user: rr-test-admin\n"
            "current-context: rr-test\n");
    return true;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Kubernetes test API server (tests only)"));
    p.addHelpOption();
    const QCommandLineOption certDir(QStringLiteral("cert-dir"),
                                     QStringLiteral("Folder with ca.crt, server.crt/key, client.crt/key"),
                                     QStringLiteral("dir"));
    const QCommandLineOption schema(
        QStringLiteral("schema"), QStringLiteral("Schema JSON from dump_schema.py"), QStringLiteral("file"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port (0: any)"),
                                  QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig-out"),
                                        QStringLiteral("Write a kubeconfig here"), QStringLiteral("file"));
    const QCommandLineOption bookmark(QStringLiteral("bookmark-ms"),
                                      QStringLiteral("Watch bookmark interval"), QStringLiteral("ms"),
                                      QStringLiteral("1000"));
    const QCommandLineOption nsDelay(QStringLiteral("namespace-termination-ms"),
                                     QStringLiteral("How long a deleted namespace stays Terminating"),
                                     QStringLiteral("ms"), QStringLiteral("500"));
    const QCommandLineOption registry(
        QStringLiteral("registry"),
        QStringLiteral("Pull images named HOST/... from the registry at URL (repeatable)"),
        QStringLiteral("HOST=URL"));
    p.addOptions({certDir, schema, port, kubeconfig, bookmark, nsDelay, registry});
    p.process(app);
    const QString dir = p.value(certDir);
    ApiServer server;
    server.config().bookmarkIntervalMs = p.value(bookmark).toInt();
    server.config().namespaceTerminationMs = p.value(nsDelay).toInt();
    for (const QString &r : p.values(registry)) {
        const qsizetype eq = r.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            QTextStream(stderr) << "rr-test-apiserver: --registry wants HOST=URL, not " << r << '\n';
            return 1;
        }
        server.config().registries.insert(r.left(eq), r.mid(eq + 1));
    }
    ApiServer::Options o;
    o.caFile = dir + QStringLiteral("/ca.crt");
    o.certFile = dir + QStringLiteral("/server.crt");
    o.keyFile = dir + QStringLiteral("/server.key");
    o.schemaFile = p.value(schema);
    o.port = quint16(p.value(port).toUInt());
    QString error;
    if (!server.start(o, &error)) {
        QTextStream(stderr) << "rr-test-apiserver: " << error << '\n';
        return 1;
    }
    if (p.isSet(kubeconfig) &&
        !writeKubeconfig(p.value(kubeconfig), server.port(), o.caFile, dir + QStringLiteral("/client.crt"),
                         dir + QStringLiteral("/client.key"))) {
        QTextStream(stderr) << "rr-test-apiserver: cannot write kubeconfig\n";
        return 1;
    }
    QTextStream(stdout) << "READY " << server.port() << Qt::endl;
    return app.exec();
}
