#include "chromeframing.h"
#include "origin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cstring>

using namespace rr::nativehost;

namespace {

std::uint32_t lengthOf(const QByteArray &frame)
{
    std::uint32_t n = 0;
    std::memcpy(&n, frame.constData(), 4);
    return n;
}

QJsonObject payloadOf(const QByteArray &frame)
{
    return QJsonDocument::fromJson(frame.mid(4)).object();
}

} // namespace

class TestNativehostFraming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesNativeEndianLength()
    {
        const QByteArray f = chrome::encode({{QStringLiteral("id"), 1}});
        QCOMPARE(qsizetype(lengthOf(f)), f.size() - 4);
        QCOMPARE(payloadOf(f).value(QStringLiteral("id")).toInt(), 1);
    }

    void readsFramesSplitAnywhere()
    {
        const QByteArray stream =
            chrome::encode({{QStringLiteral("a"), 1}}) + chrome::encode({{QStringLiteral("b"), 2}});
        for (int cut = 0; cut <= stream.size(); ++cut) {
            chrome::FrameReader reader;
            reader.feed(QByteArrayView(stream).first(cut));
            reader.feed(QByteArrayView(stream).sliced(cut));
            auto first = reader.next();
            auto second = reader.next();
            QVERIFY(first && second);
            QCOMPARE(QJsonDocument::fromJson(second->payload).object().value(QStringLiteral("b")).toInt(), 2);
            QVERIFY(!reader.next());
        }
    }

    void skipsOversizedFramesAndStaysInSync()
    {
        chrome::FrameReader reader(1024);
        const std::uint32_t huge = 5000;
        QByteArray header(4, Qt::Uninitialized);
        std::memcpy(header.data(), &huge, 4);
        reader.feed(header);
        reader.feed(QByteArray(3000, 'x'));
        auto dropped = reader.next();
        QVERIFY(dropped && dropped->oversized);
        reader.feed(QByteArray(QByteArray(2000, 'y') + chrome::encode({{QStringLiteral("ok"), true}})));
        auto after = reader.next();
        QVERIFY(after && !after->oversized);
        QVERIFY(QJsonDocument::fromJson(after->payload).object().value(QStringLiteral("ok")).toBool());
    }

    void splitsLargeLogEventsUnderOneMebibyte()
    {
        QJsonArray lines;
        for (int i = 0; i < 30000; ++i)
            lines.append(QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                     {QStringLiteral("text"), QString(QStringLiteral("line %1 ").arg(i) +
                                                                      QString(60, QLatin1Char('z')))}});
        const QJsonObject event{
            {QStringLiteral("event"), QStringLiteral("run.log")},
            {QStringLiteral("data"),
             QJsonObject{{QStringLiteral("runId"), QStringLiteral("r1")}, {QStringLiteral("lines"), lines}}}};
        const QList<QByteArray> frames = chrome::encodeForBrowser(event);
        QVERIFY(frames.size() > 1);
        int total = 0;
        QString last;
        for (const QByteArray &f : frames) {
            QVERIFY(lengthOf(f) + 4 <= chrome::MaxToBrowser);
            const QJsonObject o = payloadOf(f);
            QCOMPARE(o.value(QStringLiteral("event")).toString(), QStringLiteral("run.log"));
            const QJsonArray part =
                o.value(QStringLiteral("data")).toObject().value(QStringLiteral("lines")).toArray();
            total += int(part.size());
            last = part.last().toObject().value(QStringLiteral("text")).toString();
        }
        QCOMPARE(total, 30000); // nothing lost, order kept
        QVERIFY(last.startsWith(QStringLiteral("line 29999 ")));
    }

    void oversizedRepliesBecomeErrors()
    {
        const QJsonObject reply{{QStringLiteral("id"), 7},
                                {QStringLiteral("result"), QString(2 * 1024 * 1024, QLatin1Char('a'))}};
        const QList<QByteArray> frames = chrome::encodeForBrowser(reply);
        QCOMPARE(frames.size(), 1);
        const QJsonObject o = payloadOf(frames.first());
        QCOMPARE(o.value(QStringLiteral("id")).toInt(), 7);
        QCOMPARE(o.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("nativehost.too_large"));
    }

    void acceptsOnlyOurExtension()
    {
        QVERIFY(isAllowedOrigin(QStringLiteral("chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/")));
        QVERIFY(!isAllowedOrigin(QStringLiteral("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/")));
        QVERIFY(!isAllowedOrigin(QStringLiteral("https://github.com/")));
        QVERIFY(!isAllowedOrigin(QStringLiteral("chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/../x")));
        QVERIFY(!isAllowedOrigin(QString()));
    }
};

QTEST_GUILESS_MAIN(TestNativehostFraming)
#include "test_nativehost_framing.moc"
