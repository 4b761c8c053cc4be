// docs/status.md's table of compose keys names every service key the planner classifies, so
// the table cannot silently fall behind the code (KeyClassifier::knownKeys()).
#include "plan/keyclassifier.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

class TestPlanKeys : public QObject
{
    Q_OBJECT

private:
    // The `key` names in the first column of the section's table rows.
    static QSet<QString> documentedKeys(const QString &section)
    {
        QSet<QString> keys;
        static const QRegularExpression code(QStringLiteral("`([a-z_*-]+)`"));
        for (const QString &line : section.split(QLatin1Char('\n'))) {
            if (!line.startsWith(QLatin1String("| `")))
                continue;
            const QString firstCell = line.section(QLatin1Char('|'), 1, 1);
            for (auto it = code.globalMatch(firstCell); it.hasNext();)
                keys.insert(it.next().captured(1));
        }
        return keys;
    }

private Q_SLOTS:
    void everyKnownKeyIsInTheStatusTable()
    {
        const QString status =
            QString::fromUtf8(rr::test::readFile(rr::test::sourcePath(QStringLiteral("docs/status.md"))));
        const qsizetype start = status.indexOf(QLatin1String("## Compose keys on each runtime"));
        QVERIFY2(start >= 0, "docs/status.md has no section \"Compose keys on each runtime\"");
        qsizetype end = status.indexOf(QLatin1String("\n## "), start + 3);
        const QString section = status.mid(start, end < 0 ? -1 : end - start);
        const QSet<QString> documented = documentedKeys(section);

        const QStringList known = rr::plan::KeyClassifier::knownKeys();
        QVERIFY(known.size() > 50); // the table is there and was read
        QStringList missing;
        for (const QString &key : known)
            if (!documented.contains(key))
                missing << key;
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("not in docs/status.md: ") + missing.join(QStringLiteral(", "))));
        // The top-level keys the loader understands are there too.
        for (const char *key :
             {"services", "networks", "volumes", "secrets", "configs", "include", "version"})
            QVERIFY2(documented.contains(QLatin1String(key)), key);
    }
};

QTEST_GUILESS_MAIN(TestPlanKeys)
#include "test_plan_keys.moc"
