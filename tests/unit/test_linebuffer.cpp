// LineBuffer: lines split anywhere come out whole; a line over the limit comes out once, cut
// at a character boundary and marked, and an endless one never grows the buffer.
#include "core/linebuffer.h"

#include <QTest>

using rr::core::LineBuffer;

class TestLineBuffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void joinsLinesSplitAnywhere()
    {
        LineBuffer b(64);
        QList<QByteArray> lines;
        for (const QByteArray &chunk :
             {QByteArray("on"), QByteArray("e\ntw"), QByteArray("o\n\nthr"), QByteArray("ee")})
            lines += b.feed(chunk);
        QCOMPARE(lines, (QList<QByteArray>{"one", "two", ""}));
        QCOMPARE(b.takeRest(), QByteArray("three"));
    }

    void cutsALongLineOnceAndSkipsItsRest()
    {
        LineBuffer b(8);
        QList<QByteArray> lines;
        lines += b.feed("short\n0123");
        lines += b.feed("456789abcdef");
        lines += b.feed("ghij\nnext\n");
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), QByteArray("short"));
        QCOMPARE(lines.at(1), QByteArray("01234567") + LineBuffer::cutMarker());
        QCOMPARE(lines.at(2), QByteArray("next"));
        // Exactly the limit is not cut.
        QCOMPARE(b.feed("12345678\n"), QList<QByteArray>{"12345678"});
    }

    void anEndlessLineKeepsTheBufferBounded()
    {
        LineBuffer b(rr::core::kMaxLogLineBytes);
        const QByteArray zeros(64 * 1024, '\0');
        int out = 0;
        for (int i = 0; i < 2000; ++i) { // 128 MiB without a newline
            out += int(b.feed(zeros).size());
            QVERIFY(b.bufferedBytes() <= rr::core::kMaxLogLineBytes + 1);
        }
        QCOMPARE(out, 1); // the cut line, once
    }

    void neverSplitsACharacter()
    {
        const QByteArray text = QStringLiteral("ééééé").toUtf8(); // 2 bytes each
        const QByteArray cut = LineBuffer::cut(text, 5);
        QCOMPARE(cut, QStringLiteral("éé").toUtf8() + LineBuffer::cutMarker());
        const QString smile = QString::fromUcs4(U"\U0001F600\U0001F600");
        QCOMPARE(LineBuffer::cut(smile, 3), smile.left(2) + QString::fromUtf8(LineBuffer::cutMarker()));
        QCOMPARE(LineBuffer::cut(QStringLiteral("abc"), 3), QStringLiteral("abc"));
    }
};

QTEST_GUILESS_MAIN(TestLineBuffer)
#include "test_linebuffer.moc"
