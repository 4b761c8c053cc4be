#include "docker/apirequest.h"

#include <QTest>
#include <QUrl>

using rr::docker::ApiRequest;

// The one escaper for values placed in Docker Engine API paths: references stay readable,
// everything that would change the URL's structure is percent-encoded, and what goes in is
// what the daemon reads back after decoding.
class TestDockerApiRequest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void escapesPathSegments_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("container id") << QStringLiteral("3f4e9a0b1c2d") << QStringLiteral("3f4e9a0b1c2d");
        QTest::newRow("name with dashes")
            << QStringLiteral("rr-ab12cd34_web.1") << QStringLiteral("rr-ab12cd34_web.1");
        QTest::newRow("reference with registry and tag")
            << QStringLiteral("localhost:5000/team/app:1.0") << QStringLiteral("localhost:5000/team/app:1.0");
        QTest::newRow("reference with digest")
            << QStringLiteral("app@sha256:0123abcd") << QStringLiteral("app@sha256:0123abcd");
        QTest::newRow("space") << QStringLiteral("a b") << QStringLiteral("a%20b");
        QTest::newRow("query marker") << QStringLiteral("a?force=1") << QStringLiteral("a%3Fforce%3D1");
        QTest::newRow("fragment marker") << QStringLiteral("a#b") << QStringLiteral("a%23b");
        QTest::newRow("percent") << QStringLiteral("100%") << QStringLiteral("100%25");
        QTest::newRow("plus") << QStringLiteral("a+b") << QStringLiteral("a%2Bb");
        QTest::newRow("non-ascii") << QStringLiteral("caf\u00e9") << QStringLiteral("caf%C3%A9");
        QTest::newRow("empty") << QString() << QString();
    }
    void escapesPathSegments()
    {
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QCOMPARE(ApiRequest::pathSegment(value), expected);
    }

    void daemonReadsBackTheValue_data() { escapesPathSegments_data(); }
    void daemonReadsBackTheValue()
    {
        QFETCH(QString, value);
        const QString path = QStringLiteral("/images/%1/json").arg(ApiRequest::pathSegment(value));
        const QUrl url(QStringLiteral("http://docker") + path, QUrl::StrictMode);
        QVERIFY2(url.isValid(), qPrintable(url.errorString()));
        QVERIFY(url.query().isEmpty());
        QVERIFY(url.fragment().isEmpty());
        QCOMPARE(url.path(QUrl::FullyDecoded), QStringLiteral("/images/%1/json").arg(value));
    }
};

QTEST_GUILESS_MAIN(TestDockerApiRequest)
#include "test_docker_apirequest.moc"
