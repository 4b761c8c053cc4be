// FrameDecoder: arbitrary chunking, several frames per read, oversized headers skipped in sync.
#include "ipc/framedecoder.h"

#include <QTest>

using rr::ipc::FrameDecoder;
using Kind = FrameDecoder::Item::Kind;

class TestIpcFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerIsBigEndianLength()
    {
        const QByteArray frame = FrameDecoder::encode("abc");
        QCOMPARE(frame, QByteArray("\x00\x00\x00\x03"
                                   "abc",
                                   7));
        const QByteArray big = FrameDecoder::encode(QByteArray(0x01020304 & 0xffff, 'x'));
        QCOMPARE(quint8(big[2]), quint8(0x03));
        QCOMPARE(quint8(big[3]), quint8(0x04));
    }

    void byteByByte()
    {
        FrameDecoder d;
        const QByteArray stream = FrameDecoder::encode(R"({"a":1})") + FrameDecoder::encode("second");
        QList<QByteArray> got;
        for (char c : stream) {
            d.feed(QByteArrayView(&c, 1));
            while (auto item = d.next()) {
                QCOMPARE(item->kind, Kind::Frame);
                got << item->payload;
            }
        }
        QCOMPARE(got, (QList<QByteArray>{R"({"a":1})", "second"}));
        QVERIFY(!d.hasPartialFrame());
    }

    void manyFramesInOneRead()
    {
        FrameDecoder d;
        QByteArray stream;
        for (int i = 0; i < 100; ++i)
            stream += FrameDecoder::encode(QByteArray::number(i));
        stream += QByteArray("\x00\x00", 2); // half a header of a frame still to come
        d.feed(stream);
        for (int i = 0; i < 100; ++i) {
            auto item = d.next();
            QVERIFY(item);
            QCOMPARE(item->payload, QByteArray::number(i));
        }
        QVERIFY(!d.next());
        QVERIFY(d.hasPartialFrame());
        d.feed(QByteArray("\x00\x02ok", 4));
        auto last = d.next();
        QVERIFY(last);
        QCOMPARE(last->payload, QByteArray("ok"));
        QVERIFY(!d.hasPartialFrame());
    }

    void emptyFrameIsAFrame()
    {
        FrameDecoder d;
        d.feed(QByteArray(4, '\0'));
        auto item = d.next();
        QVERIFY(item);
        QCOMPARE(item->kind, Kind::Frame);
        QVERIFY(item->payload.isEmpty());
    }

    void limitIsInclusive()
    {
        FrameDecoder d(8);
        d.feed(FrameDecoder::encode("12345678"));
        auto ok = d.next();
        QVERIFY(ok);
        QCOMPARE(ok->kind, Kind::Frame);
        d.feed(FrameDecoder::encode("123456789"));
        auto over = d.next();
        QVERIFY(over);
        QCOMPARE(over->kind, Kind::Oversized);
        QCOMPARE(over->declaredSize, 9u);
    }

    // An oversized payload is reported once, skipped as it streams in without being buffered,
    // and the frame after it decodes normally.
    void oversizedIsSkippedInSync()
    {
        FrameDecoder d(1024);
        const quint32 declared = 10 * 1024 * 1024;
        QByteArray header(4, Qt::Uninitialized);
        header[0] = char(declared >> 24);
        header[1] = char(declared >> 16);
        header[2] = char(declared >> 8);
        header[3] = char(declared);
        d.feed(header);
        auto item = d.next();
        QVERIFY(item);
        QCOMPARE(item->kind, Kind::Oversized);
        QCOMPARE(item->declaredSize, declared);
        const QByteArray chunk(64 * 1024, 'z');
        for (quint32 sent = 0; sent < declared; sent += chunk.size()) {
            d.feed(chunk);
            QVERIFY(!d.next());
            QVERIFY2(d.bufferedBytes() <= chunk.size(), "the skipped payload must not accumulate");
            QCOMPARE(d.hasPartialFrame(), sent + chunk.size() < declared);
        }
        QCOMPARE(d.bufferedBytes(), 0);
        d.feed(FrameDecoder::encode("after"));
        auto next = d.next();
        QVERIFY(next);
        QCOMPARE(next->kind, Kind::Frame);
        QCOMPARE(next->payload, QByteArray("after"));
    }

    void oversizedTailAndNextFrameInOneRead()
    {
        FrameDecoder d(4);
        d.feed(QByteArray(FrameDecoder::encode("toolong") + FrameDecoder::encode("ok")));
        auto first = d.next();
        QVERIFY(first);
        QCOMPARE(first->kind, Kind::Oversized);
        auto second = d.next();
        QVERIFY(second);
        QCOMPARE(second->payload, QByteArray("ok"));
        QVERIFY(!d.next());
    }
};

QTEST_GUILESS_MAIN(TestIpcFrame)
#include "test_ipc_frame.moc"
