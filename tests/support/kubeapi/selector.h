#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace rr::test::kubeapi {

// Label selector (=, ==, !=, in, notin, exists, !exists) or field selector (=, ==, != on dotted paths).
class Selector final
{
public:
    static bool parse(const QString &text, bool fields, Selector *out, QString *error);
    bool matches(const QJsonObject &object) const;
    bool isEmpty() const { return m_terms.isEmpty(); }

private:
    struct Term
    {
        QString key;
        enum Op
        {
            Equals,
            NotEquals,
            In,
            NotIn,
            Exists,
            NotExists
        } op = Equals;
        QStringList values;
    };
    bool m_fields = false;
    QList<Term> m_terms;
};

} // namespace rr::test::kubeapi
