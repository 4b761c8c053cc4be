#include "core/units.h"

#include <QTest>

using namespace rr::core;

class TestUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("seconds") << QStringLiteral("30s") << qint64(30000);
        QTest::newRow("compound") << QStringLiteral("1m30s") << qint64(90000);
        QTest::newRow("millis") << QStringLiteral("500ms") << qint64(500);
        QTest::newRow("hours") << QStringLiteral("2h") << qint64(7200000);
        QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
        QTest::newRow("fraction") << QStringLiteral("1.5s") << qint64(1500);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QCOMPARE(units::parseDurationMs(text).value_or(-1), ms);
    }
    void badDurations()
    {
        QVERIFY(!units::parseDurationMs(QStringLiteral("10 parsecs")));
        QVERIFY(!units::parseDurationMs(QStringLiteral("s10")));
        QVERIFY(!units::parseDurationMs(QString()));
        QVERIFY(!units::parseDurationMs(QStringLiteral("5"))); // Go requires a unit
    }
    void sizes()
    {
        QCOMPARE(units::parseByteSize(QStringLiteral("512m")).value_or(-1), qint64(512) * 1024 * 1024);
        QCOMPARE(units::parseByteSize(QStringLiteral("1g")).value_or(-1), qint64(1024) * 1024 * 1024);
        QCOMPARE(units::parseByteSize(QStringLiteral("1GiB")).value_or(-1), qint64(1024) * 1024 * 1024);
        QCOMPARE(units::parseByteSize(QStringLiteral("100k")).value_or(-1), qint64(102400));
        QCOMPARE(units::parseByteSize(QStringLiteral("42")).value_or(-1), qint64(42));
        QCOMPARE(units::parseByteSize(QStringLiteral("2kb")).value_or(-1), qint64(2048));
        QVERIFY(!units::parseByteSize(QStringLiteral("lots")));
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "test_units.moc"
