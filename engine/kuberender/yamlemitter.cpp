#include "kuberender/yamlemitter.h"

#include "core/logging.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace rr::kuberender {

namespace {

// True when a plain scalar with this text would be read back as something other than a
// string by a YAML 1.1 or 1.2 reader (bools, nulls, numbers, timestamps, base-60 ints).
bool needsQuotes(const QString &s)
{
    if (s.isEmpty())
        return true;
    static const QRegularExpression special(
        QStringLiteral("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
                       "~|null|Null|NULL|<<|=)$"));
    static const QRegularExpression numeric(
        QStringLiteral("^[-+]?(\\.?[0-9]|\\.(inf|Inf|INF|nan|NaN|NAN)$)"));
    return special.match(s).hasMatch() || numeric.match(s).hasMatch() || s.contains(QLatin1Char('\n')) ||
           s.front().isSpace() || s.back().isSpace();
}

void emitString(YAML::Emitter &out, const QString &s)
{
    if (needsQuotes(s))
        out << YAML::DoubleQuoted;
    out << s.toStdString();
}

void emitValue(YAML::Emitter &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        out << YAML::BeginMap;
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            out << YAML::Key;
            emitString(out, it.key());
            out << YAML::Value;
            emitValue(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    case QJsonValue::Array: {
        out << YAML::BeginSeq;
        for (const QJsonValue &item : v.toArray())
            emitValue(out, item);
        out << YAML::EndSeq;
        break;
    }
    case QJsonValue::String:
        emitString(out, v.toString());
        break;
    case QJsonValue::Bool:
        out << v.toBool();
        break;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (std::floor(d) == d && std::fabs(d) < 9.0e15)
            out << static_cast<long long>(d);
        else
            out << d;
        break;
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        break;
    }
}

} // namespace

QByteArray toYamlStream(const QList<QJsonObject> &objects)
{
    QByteArray stream;
    for (const QJsonObject &o : objects) {
        try {
            YAML::Emitter out;
            out.SetOutputCharset(YAML::EmitNonAscii);
            out.SetIndent(2);
            emitValue(out, o);
            if (!out.good()) {
                qCWarning(lcPlan) << "YAML emitter:" << out.GetLastError().c_str();
                continue;
            }
            stream += "---\n";
            stream += QByteArray(out.c_str(), qsizetype(out.size()));
            stream += '\n';
        } catch (const std::exception &e) {
            qCWarning(lcPlan) << "YAML emitter failed:" << e.what();
        }
    }
    return stream;
}

} // namespace rr::kuberender
