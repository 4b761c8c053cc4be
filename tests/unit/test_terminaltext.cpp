// TerminalText::printable: what a repository prints cannot drive the user's terminal.
#include "core/terminaltext.h"

#include <QTest>

using rr::core::TerminalText;

class TestTerminalText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void strips_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::newRow("plain") << QStringLiteral("GET / 200\tok") << QStringLiteral("GET / 200\tok");
        QTest::newRow("colour") << QStringLiteral("\x1b[31mred\x1b[0m") << QStringLiteral("red");
        QTest::newRow("cursor up and erase") << QStringLiteral("a\x1b[2A\x1b[2Kb") << QStringLiteral("ab");
        QTest::newRow("title, BEL") << QStringLiteral("\x1b]0;pwned\x07x") << QStringLiteral("x");
        QTest::newRow("clipboard, ST")
            << QStringLiteral("\x1b]52;c;ZWNobyBoaQ==\x1b\\y") << QStringLiteral("y");
        QTest::newRow("8-bit CSI") << QStringLiteral(u"\u009b31mz") << QStringLiteral("z");
        QTest::newRow("8-bit OSC") << QStringLiteral(u"\u009d0;t\u009cw") << QStringLiteral("w");
        QTest::newRow("carriage return, backspace, NUL")
            << QStringLiteral("ab\rc\bd\u0000e") << QStringLiteral("abcde");
        QTest::newRow("reset") << QStringLiteral("\x1b"
                                                 "cq")
                               << QStringLiteral("q");
        QTest::newRow("unicode stays") << QStringLiteral("héllo ☺") << QStringLiteral("héllo ☺");
        QTest::newRow("unterminated") << QStringLiteral("ok\x1b]0;never ends") << QStringLiteral("ok");
    }
    void strips()
    {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(TerminalText::printable(in), out);
    }
};

QTEST_GUILESS_MAIN(TestTerminalText)
#include "test_terminaltext.moc"
