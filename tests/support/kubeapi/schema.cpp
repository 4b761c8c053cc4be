#include "schema.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace rr::test::kubeapi {

namespace {
// Fields added after Kubernetes 1.22 that the engine may send; accepted without type checks.
const QHash<QString, QStringList> &newerFields()
{
    static const QHash<QString, QStringList> fields{
        {QStringLiteral("V1PodSpec"),
         {QStringLiteral("hostUsers"), QStringLiteral("os"), QStringLiteral("schedulingGates"),
          QStringLiteral("resourceClaims")}},
        {QStringLiteral("V1Container"), {QStringLiteral("resizePolicy"), QStringLiteral("restartPolicy")}},
        {QStringLiteral("V1SecurityContext"), {QStringLiteral("appArmorProfile")}},
        {QStringLiteral("V1PodSecurityContext"), {QStringLiteral("appArmorProfile")}},
        {QStringLiteral("V1JobSpec"),
         {QStringLiteral("podFailurePolicy"), QStringLiteral("backoffLimitPerIndex"),
          QStringLiteral("maxFailedIndexes"), QStringLiteral("podReplacementPolicy")}},
        {QStringLiteral("V1ServiceSpec"), {QStringLiteral("trafficDistribution")}},
    };
    return fields;
}

// Maps whose string values are resource.Quantity, which also decodes from JSON numbers.
bool isQuantityMap(const QString &field)
{
    static const QStringList names{
        QStringLiteral("limits"), QStringLiteral("requests"), QStringLiteral("hard"),
        QStringLiteral("used"),   QStringLiteral("default"),  QStringLiteral("defaultRequest"),
        QStringLiteral("max"),    QStringLiteral("min"),      QStringLiteral("maxLimitRequestRatio")};
    return names.contains(field);
}

QString jsonKind(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    default:
        return QStringLiteral("null");
    }
}

QString goType(const QString &type)
{
    if (type == QLatin1String("str") || type == QLatin1String("datetime"))
        return QStringLiteral("string");
    if (type == QLatin1String("int"))
        return QStringLiteral("int32");
    if (type == QLatin1String("float"))
        return QStringLiteral("float64");
    if (type == QLatin1String("bool"))
        return QStringLiteral("bool");
    if (type.startsWith(QLatin1String("list[")))
        return QStringLiteral("[]") + goType(type.mid(5, type.size() - 6));
    if (type.startsWith(QLatin1String("dict(")))
        return QStringLiteral("map[string]") + goType(type.mid(10, type.size() - 11));
    QString t = type;
    t.remove(QRegularExpression(QStringLiteral("^(V\\d+|CoreV1)")));
    return QStringLiteral("v1.") + t;
}
} // namespace

bool Schema::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read schema %1").arg(path);
        return false;
    }
    const QJsonObject models =
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toObject();
    for (auto it = models.begin(); it != models.end(); ++it) {
        QHash<QString, QString> fields;
        const QJsonObject o = it.value().toObject();
        for (auto f2 = o.begin(); f2 != o.end(); ++f2)
            fields.insert(f2.key(), f2.value().toString());
        m_models.insert(it.key(), fields);
    }
    if (m_models.isEmpty()) {
        *error = QStringLiteral("schema %1 has no models").arg(path);
        return false;
    }
    return true;
}

Schema::Result Schema::check(const QString &model, QJsonObject *object, bool dropUnknown) const
{
    Result r;
    QJsonValue v(*object);
    walk(model, &v, QString(), model, QString(), dropUnknown, &r);
    *object = v.toObject();
    return r;
}

void Schema::walk(const QString &type, QJsonValue *value, const QString &path, const QString &owner,
                  const QString &field, bool dropUnknown, Result *result) const
{
    if (value->isNull() || !result->typeError.isEmpty() || type == QLatin1String("object"))
        return;
    auto mismatch = [&] {
        QString goOwner = owner;
        goOwner.remove(QRegularExpression(QStringLiteral("^(V\\d+|CoreV1)")));
        result->typeError = QStringLiteral("json: cannot unmarshal %1 into Go struct field %2.%3 of type %4")
                                .arg(jsonKind(*value), goOwner, path, goType(type));
    };
    if (type == QLatin1String("str") || type == QLatin1String("datetime") || type == QLatin1String("date")) {
        if (!value->isString())
            mismatch();
        return;
    }
    if (type == QLatin1String("int")) {
        if (!value->isDouble() || value->toDouble() != double(qint64(value->toDouble())))
            mismatch();
        return;
    }
    if (type == QLatin1String("float")) {
        if (!value->isDouble())
            mismatch();
        return;
    }
    if (type == QLatin1String("bool")) {
        if (!value->isBool())
            mismatch();
        return;
    }
    if (type.startsWith(QLatin1String("list["))) {
        if (!value->isArray())
            return mismatch();
        const QString inner = type.mid(5, type.size() - 6);
        QJsonArray a = value->toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            QJsonValue item = a.at(i);
            walk(inner, &item, path + QStringLiteral("[%1]").arg(i), owner, field, dropUnknown, result);
            a[i] = item;
        }
        *value = a;
        return;
    }
    if (type.startsWith(QLatin1String("dict("))) {
        if (!value->isObject())
            return mismatch();
        const QString inner = type.mid(10, type.size() - 11);
        QJsonObject o = value->toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            QJsonValue item = it.value();
            if (inner == QLatin1String("str") && item.isDouble() && isQuantityMap(field))
                continue;
            walk(inner, &item, path + QLatin1Char('.') + it.key(), owner, field, dropUnknown, result);
            it.value() = item;
        }
        *value = o;
        return;
    }
    const auto model = m_models.constFind(type);
    if (model == m_models.cend())
        return; // unknown model: treat as opaque
    if (!value->isObject())
        return mismatch();
    QJsonObject o = value->toObject();
    const QStringList allowed = newerFields().value(type);
    for (const QString &key : o.keys()) {
        const QString sub = path.isEmpty() ? key : path + QLatin1Char('.') + key;
        const auto f = model->constFind(key);
        if (f == model->cend()) {
            if (allowed.contains(key))
                continue;
            result->unknownFields << sub;
            if (dropUnknown)
                o.remove(key);
            continue;
        }
        QJsonValue item = o.value(key);
        walk(f.value(), &item, sub, type, key, dropUnknown, result);
        o.insert(key, item);
    }
    *value = o;
}

} // namespace rr::test::kubeapi
