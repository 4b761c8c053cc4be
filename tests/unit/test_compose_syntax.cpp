#include "project/composesyntax.h"

#include <QTest>

using namespace rr::project;
using rr::core::Location;

namespace {
YamlNode scalar(const QString &s, bool plain = false)
{
    return YamlNode::makeScalar(s, Location{QStringLiteral("c.yaml"), 3, 5}, plain);
}
} // namespace

class TestComposeSyntax : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shortPorts_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("plain");
        QTest::addColumn<QString>("hostIp");
        QTest::addColumn<int>("published");
        QTest::addColumn<int>("publishedEnd");
        QTest::addColumn<int>("target");
        QTest::addColumn<int>("targetEnd");
        QTest::addColumn<QString>("protocol");
        QTest::newRow("pub:target") << "8080:80" << false << "" << 8080 << 8080 << 80 << 80 << "tcp";
        QTest::newRow("ip:pub:target/udp")
            << "127.0.0.1:8080:80/udp" << false << "127.0.0.1" << 8080 << 8080 << 80 << 80 << "udp";
        QTest::newRow("ranges") << "9000-9001:9000-9001" << false << "" << 9000 << 9001 << 9000 << 9001
                                << "tcp";
        QTest::newRow("target only") << "80" << false << "" << 0 << 0 << 80 << 80 << "tcp";
        QTest::newRow("int") << "5000" << true << "" << 0 << 0 << 5000 << 5000 << "tcp";
        QTest::newRow("ip::target") << "127.0.0.1::80" << false << "127.0.0.1" << 0 << 0 << 80 << 80 << "tcp";
        QTest::newRow("ipv6") << "[::1]:8080:80" << false << "::1" << 8080 << 8080 << 80 << 80 << "tcp";
        QTest::newRow("target range") << "3000-3002" << false << "" << 0 << 0 << 3000 << 3002 << "tcp";
        QTest::newRow("sctp") << "132:132/sctp" << false << "" << 132 << 132 << 132 << 132 << "sctp";
    }
    void shortPorts()
    {
        QFETCH(QString, spec);
        QFETCH(bool, plain);
        auto p = ComposeSyntax::parsePort(scalar(spec, plain));
        QVERIFY2(p.has_value(), qPrintable(p ? QString() : p.error().toString()));
        QTEST(p->hostIp, "hostIp");
        QTEST(p->published, "published");
        QTEST(p->publishedEnd, "publishedEnd");
        QTEST(p->target, "target");
        QTEST(p->targetEnd, "targetEnd");
        QTEST(p->protocol, "protocol");
        QCOMPARE(p->where.line, 3);
    }

    void badPorts_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("text") << "http";
        QTest::newRow("too big") << "70000";
        QTest::newRow("zero target") << "8080:0";
        QTest::newRow("bad proto") << "80/icmp";
        QTest::newRow("range mismatch") << "9000-9002:80-81";
        QTest::newRow("too many parts") << "a:b:c:d";
        QTest::newRow("reversed range") << "9001-9000";
    }
    void badPorts()
    {
        QFETCH(QString, spec);
        auto p = ComposeSyntax::parsePort(scalar(spec));
        QVERIFY(!p.has_value());
        QCOMPARE(p.error().code, QStringLiteral("compose.ports.invalid"));
        QCOMPARE(p.error().where.toString(), QStringLiteral("c.yaml:3:5"));
    }

    void longPort()
    {
        YamlNode m = YamlNode::makeMapping(Location{QStringLiteral("c.yaml"), 1, 1});
        m.set(QStringLiteral("target"), scalar(QStringLiteral("80"), true));
        m.set(QStringLiteral("published"), scalar(QStringLiteral("8000-8010")));
        m.set(QStringLiteral("protocol"), scalar(QStringLiteral("UDP")));
        m.set(QStringLiteral("app_protocol"), scalar(QStringLiteral("http")));
        auto p = ComposeSyntax::parsePort(m);
        QVERIFY(p.has_value());
        QCOMPARE(p->target, 80);
        QCOMPARE(p->published, 8000);
        QCOMPARE(p->publishedEnd, 8010);
        QCOMPARE(p->protocol, QStringLiteral("udp"));
        QCOMPARE(p->appProtocol, QStringLiteral("http"));
    }

    void shortVolumes_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<bool>("anonymous");
        const int bind = int(VolumeMount::Type::Bind);
        const int vol = int(VolumeMount::Type::Volume);
        QTest::newRow("bind ro") << "./data:/data:ro" << bind << "./data"
                                 << "/data" << true << false;
        QTest::newRow("abs bind") << "/var/run/docker.sock:/sock" << bind << "/var/run/docker.sock"
                                  << "/sock" << false << false;
        QTest::newRow("home") << "~/x:/x:rw" << bind << "~/x"
                              << "/x" << false << false;
        QTest::newRow("parent") << "../up:/up" << bind << "../up"
                                << "/up" << false << false;
        QTest::newRow("named") << "dbdata:/var/lib/db" << vol << "dbdata"
                               << "/var/lib/db" << false << false;
        QTest::newRow("named opts") << "dbdata:/var/lib/db:ro,z" << vol << "dbdata"
                                    << "/var/lib/db" << true << false;
        QTest::newRow("anonymous") << "/cache" << vol << ""
                                   << "/cache" << false << true;
    }
    void shortVolumes()
    {
        QFETCH(QString, spec);
        auto v = ComposeSyntax::parseVolume(scalar(spec));
        QVERIFY2(v.has_value(), qPrintable(v ? QString() : v.error().toString()));
        QTEST(int(v->type), "type");
        QTEST(v->source, "source");
        QTEST(v->target, "target");
        QTEST(v->readOnly, "readOnly");
        QTEST(v->anonymous, "anonymous");
    }

    void badVolumes()
    {
        QVERIFY(!ComposeSyntax::parseVolume(scalar(QStringLiteral("a:/b:bogus"))).has_value());
        QVERIFY(!ComposeSyntax::parseVolume(scalar(QStringLiteral("a:b:c:d"))).has_value());
        YamlNode m = YamlNode::makeMapping(Location{QStringLiteral("c.yaml"), 1, 1});
        m.set(QStringLiteral("type"), scalar(QStringLiteral("bind")));
        m.set(QStringLiteral("target"), scalar(QStringLiteral("/x")));
        auto v = ComposeSyntax::parseVolume(m); // bind without source
        QVERIFY(!v.has_value());
        QCOMPARE(v.error().code, QStringLiteral("compose.volumes.invalid"));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("1m30s") << "1m30s" << qint64(90000);
        QTest::newRow("500ms") << "500ms" << qint64(500);
        QTest::newRow("1.5h") << "1.5h" << qint64(5400000);
        QTest::newRow("2h3m4s5ms") << "2h3m4s5ms" << qint64(7384005);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("us") << "2000us" << qint64(2);
    }
    void durations()
    {
        QFETCH(QString, text);
        auto ms = ComposeSyntax::parseDurationMs(text, {});
        QVERIFY(ms.has_value());
        QTEST(*ms, "ms");
    }
    void badDurations()
    {
        for (const char *bad : {"10", "abc", "1x", "", "m5"}) {
            auto ms = ComposeSyntax::parseDurationMs(QLatin1String(bad), Location{QStringLiteral("f"), 1, 2});
            QVERIFY2(!ms.has_value(), bad);
            QCOMPARE(ms.error().code, QStringLiteral("compose.duration.invalid"));
        }
    }

    void sizes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("plain");
        QTest::addColumn<qint64>("bytes");
        QTest::newRow("512m") << "512m" << false << qint64(512) * 1024 * 1024;
        QTest::newRow("1g") << "1g" << false << qint64(1024) * 1024 * 1024;
        QTest::newRow("1gb") << "1gb" << false << qint64(1024) * 1024 * 1024;
        QTest::newRow("100k") << "100k" << false << qint64(102400);
        QTest::newRow("1.5G") << "1.5G" << false << qint64(1536) * 1024 * 1024;
        QTest::newRow("int") << "1048576" << true << qint64(1048576);
        QTest::newRow("bytes") << "300b" << false << qint64(300);
    }
    void sizes()
    {
        QFETCH(QString, text);
        QFETCH(bool, plain);
        auto b = ComposeSyntax::parseBytes(scalar(text, plain));
        QVERIFY(b.has_value());
        QTEST(*b, "bytes");
        QVERIFY(!ComposeSyntax::parseBytes(scalar(QStringLiteral("12q"))).has_value());
    }

    void words()
    {
        auto w = ComposeSyntax::splitWords(QStringLiteral("sh -c 'echo \"hi there\"' \"a b\" c\\ d"), {});
        QVERIFY(w.has_value());
        QCOMPARE(*w,
                 (QStringList{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo \"hi there\""),
                              QStringLiteral("a b"), QStringLiteral("c d")}));
        QVERIFY(!ComposeSyntax::splitWords(QStringLiteral("echo 'open"), {}).has_value());
    }
};

QTEST_GUILESS_MAIN(TestComposeSyntax)
#include "test_compose_syntax.moc"
