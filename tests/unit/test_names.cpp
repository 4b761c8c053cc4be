#include "core/names.h"

#include <QTest>

using namespace rr::core;

class TestNames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validatesLabels()
    {
        QVERIFY(names::isDns1123Label(QStringLiteral("web-1")));
        QVERIFY(names::isDns1123Label(QStringLiteral("1web")));
        QVERIFY(!names::isDns1035Label(QStringLiteral("1web")));
        QVERIFY(!names::isDns1123Label(QStringLiteral("my_app")));
        QVERIFY(!names::isDns1123Label(QString(64, QLatin1Char('a'))));
        QVERIFY(names::isDns1123Subdomain(QStringLiteral("a.b-c.d")));
        QVERIFY(!names::isDns1123Subdomain(QStringLiteral("a..b")));
    }
    void sanitizes_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("underscore") << QStringLiteral("my_app");
        QTest::newRow("upper") << QStringLiteral("MyApp");
        QTest::newRow("digit") << QStringLiteral("9lives");
        QTest::newRow("long") << QString(100, QLatin1Char('x'));
        QTest::newRow("symbols") << QStringLiteral("--a..b__c--");
        QTest::newRow("empty") << QString();
    }
    void sanitizes()
    {
        QFETCH(QString, input);
        const QString out = names::toDnsLabel(input);
        QVERIFY2(names::isDns1035Label(out), qPrintable(out));
    }
    void keepsDistinctNamesDistinct()
    {
        QVERIFY(names::toDnsLabel(QStringLiteral("my_app")) != names::toDnsLabel(QStringLiteral("my.app")));
        QCOMPARE(names::toDnsLabel(QStringLiteral("web")), QStringLiteral("web"));
    }
    void runIdsAreLabels()
    {
        const QString a = names::newRunId();
        QVERIFY(names::isDns1035Label(a));
        QCOMPARE(a.size(), 8);
        QVERIFY(a != names::newRunId());
    }
};

QTEST_GUILESS_MAIN(TestNames)
#include "test_names.moc"
