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

    // JSON escaping makes a control character six bytes: a line of 600 000 of them is 3.6 MB
    // encoded. It must still leave as one frame under the limit, cut, and saying so.
    void cutsALineWhoseEscapingOutgrowsTheLimit()
    {
        for (const QChar c : {QChar(0x01), QChar(u'"'), QChar(0x263A)}) {
            const QJsonObject line{{QStringLiteral("service"), QStringLiteral("web")},
                                   {QStringLiteral("text"), QString(600000, c)}};
            const QJsonObject event{
                {QStringLiteral("event"), QStringLiteral("run.log")},
                {QStringLiteral("data"), QJsonObject{{QStringLiteral("runId"), QStringLiteral("r1")},
                                                     {QStringLiteral("lines"), QJsonArray{line}}}}};
            const QList<QByteArray> frames = chrome::encodeForBrowser(event);
            QCOMPARE(frames.size(), 1);
            QVERIFY2(lengthOf(frames.first()) + 4 <= chrome::MaxToBrowser,
                     qPrintable(QString::number(lengthOf(frames.first()))));
            const QJsonObject data = payloadOf(frames.first()).value(QStringLiteral("data")).toObject();
            const QString text = data.value(QStringLiteral("lines"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QStringLiteral("text"))
                                     .toString();
            QVERIFY(text.endsWith(QStringLiteral("[line cut: 600000 characters]")));
            QVERIFY(text.startsWith(QString(1000, c)));
        }
    }

    // A `logs` reply cannot be split across replies: it keeps the lines that fit, in order.
    void cutsALogsReplyToTheLinesThatFit()
    {
        QJsonArray lines;
        for (int i = 0; i < 5000; ++i)
            lines.append(QJsonObject{{QStringLiteral("id"), i + 1},
                                     {QStringLiteral("text"), QString(1000, QChar(0x02))}});
        const QJsonObject reply{{QStringLiteral("id"), 9},
                                {QStringLiteral("result"), QJsonObject{{QStringLiteral("lines"), lines}}}};
        const QList<QByteArray> frames = chrome::encodeForBrowser(reply);
        QCOMPARE(frames.size(), 1);
        QVERIFY(lengthOf(frames.first()) + 4 <= chrome::MaxToBrowser);
        const QJsonObject o = payloadOf(frames.first());
        QCOMPARE(o.value(QStringLiteral("id")).toInt(), 9);
        const QJsonArray kept = o[QStringLiteral("result")][QStringLiteral("lines")].toArray();
        QVERIFY(kept.size() > 10 && kept.size() < 5000);
        QCOMPARE(kept.first().toObject().value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(kept.last().toObject().value(QStringLiteral("id")).toInt(), int(kept.size()));
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
