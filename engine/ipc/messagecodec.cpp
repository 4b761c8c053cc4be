#include "ipc/messagecodec.h"

#include "ipc/protocol.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace rr::ipc {

using core::ErrorCategory;

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53
constexpr qsizetype kMaxIdLength = 256;

const QLatin1String kV("v");
const QLatin1String kId("id");
const QLatin1String kMethod("method");
const QLatin1String kParams("params");
const QLatin1String kResult("result");
const QLatin1String kError("error");
const QLatin1String kEvent("event");
const QLatin1String kData("data");

bool isInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= kMaxExactInteger;
}

core::Unexpected badRequest(const QString &message)
{
    return core::fail(ErrorCategory::Input, code::BadRequest, message);
}

core::Result<QJsonObject> parseObject(QByteArrayView payload)
{
    if (payload.isEmpty())
        return core::fail(ErrorCategory::Input, code::BadJson, QStringLiteral("The message is empty."));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt's parser refuses top-level scalars that RFC 8259 allows; call those what they are.
        QJsonParseError wrapped;
        QJsonDocument::fromJson('[' + payload.toByteArray() + ']', &wrapped);
        if (wrapped.error == QJsonParseError::NoError)
            return badRequest(QStringLiteral("The message must be a JSON object."));
        return core::fail(ErrorCategory::Input, code::BadJson,
                          QStringLiteral("The message is not valid JSON: %1 at offset %2.")
                              .arg(error.errorString())
                              .arg(error.offset));
    }
    if (!doc.isObject())
        return badRequest(QStringLiteral("The message must be a JSON object."));
    return doc.object();
}

core::Result<void> checkVersion(const QJsonObject &obj)
{
    const QJsonValue v = obj.value(kV);
    if (v.isUndefined())
        return badRequest(QStringLiteral("The message has no protocol version \"v\"."));
    if (!isInteger(v))
        return badRequest(QStringLiteral("The protocol version \"v\" must be an integer."));
    if (v.toInteger() != kProtocolVersion) {
        return core::fail(
            ErrorCategory::Input, code::VersionMismatch,
            QStringLiteral("Protocol version %1 is not supported; this server speaks version %2.")
                .arg(v.toInteger())
                .arg(kProtocolVersion));
    }
    return {};
}

QByteArray toBytes(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

} // namespace

bool MessageCodec::isValidId(const QJsonValue &id)
{
    if (id.isString())
        return !id.toString().isEmpty() && id.toString().size() <= kMaxIdLength;
    return isInteger(id);
}

core::Result<Request> MessageCodec::decodeRequest(QByteArrayView payload, QJsonValue *id)
{
    auto parsed = parseObject(payload);
    if (!parsed)
        return core::fail(parsed.error());
    const QJsonObject &obj = *parsed;

    const QJsonValue idValue = obj.value(kId);
    if (idValue.isUndefined())
        return badRequest(QStringLiteral("The request has no \"id\"."));
    if (!isValidId(idValue))
        return badRequest(QStringLiteral("The request \"id\" must be a short string or an integer."));
    if (id)
        *id = idValue;

    if (auto version = checkVersion(obj); !version)
        return core::fail(version.error());

    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (it.key() != kV && it.key() != kId && it.key() != kMethod && it.key() != kParams)
            return badRequest(QStringLiteral("The request has an unknown field \"%1\".").arg(it.key()));
    }

    const QJsonValue method = obj.value(kMethod);
    if (method.isUndefined())
        return badRequest(QStringLiteral("The request has no \"method\"."));
    if (!method.isString() || method.toString().isEmpty())
        return badRequest(QStringLiteral("The request \"method\" must be a non-empty string."));

    const QJsonValue params = obj.value(kParams);
    if (!params.isUndefined() && !params.isObject()) {
        return core::fail(ErrorCategory::Input, code::BadParams,
                          QStringLiteral("The request \"params\" must be an object."));
    }
    return Request{idValue, method.toString(), params.toObject()};
}

core::Result<Incoming> MessageCodec::decodeIncoming(QByteArrayView payload)
{
    auto parsed = parseObject(payload);
    if (!parsed)
        return core::fail(parsed.error());
    const QJsonObject &obj = *parsed;
    if (auto version = checkVersion(obj); !version)
        return core::fail(version.error());

    Incoming in;
    if (obj.contains(kEvent)) {
        const QJsonValue name = obj.value(kEvent);
        const QJsonValue data = obj.value(kData);
        if (!name.isString() || name.toString().isEmpty())
            return badRequest(QStringLiteral("The event name must be a non-empty string."));
        if (!data.isUndefined() && !data.isObject())
            return badRequest(QStringLiteral("The event \"data\" must be an object."));
        in.kind = Incoming::Kind::Event;
        in.event = name.toString();
        in.data = data.toObject();
        return in;
    }

    const QJsonValue id = obj.value(kId);
    if (id.isUndefined() || !(id.isNull() || isValidId(id)))
        return badRequest(QStringLiteral("The reply has no valid \"id\"."));
    const bool hasResult = obj.contains(kResult);
    const bool hasError = obj.contains(kError);
    if (hasResult == hasError)
        return badRequest(QStringLiteral("A reply must carry exactly one of \"result\" and \"error\"."));
    in.kind = Incoming::Kind::Reply;
    in.id = id;
    if (hasResult) {
        in.result = obj.value(kResult);
    } else {
        auto error = errorFromJson(obj.value(kError));
        if (!error)
            return core::fail(error.error());
        in.error = *error;
    }
    return in;
}

QByteArray MessageCodec::encodeRequest(const Request &request)
{
    QJsonObject obj{{kV, kProtocolVersion}, {kId, request.id}, {kMethod, request.method}};
    if (!request.params.isEmpty())
        obj.insert(kParams, request.params);
    return toBytes(obj);
}

QByteArray MessageCodec::encodeResult(const QJsonValue &id, const QJsonValue &result)
{
    // A handler returning "nothing" still yields a valid reply.
    const QJsonValue value = result.isUndefined() ? QJsonValue(QJsonValue::Null) : result;
    return toBytes(QJsonObject{{kV, kProtocolVersion}, {kId, id}, {kResult, value}});
}

QByteArray MessageCodec::encodeError(const QJsonValue &id, const core::Error &error)
{
    const QJsonValue idValue = id.isUndefined() ? QJsonValue(QJsonValue::Null) : id;
    return toBytes(QJsonObject{{kV, kProtocolVersion}, {kId, idValue}, {kError, errorToJson(error)}});
}

QByteArray MessageCodec::encodeEvent(const QString &name, const QJsonObject &data)
{
    return toBytes(QJsonObject{{kV, kProtocolVersion}, {kEvent, name}, {kData, data}});
}

QJsonObject MessageCodec::errorToJson(const core::Error &error)
{
    QJsonObject obj{{QLatin1String("code"), error.code},
                    {QLatin1String("message"), error.message},
                    {QLatin1String("category"), core::categoryName(error.category)}};
    if (!error.details.isEmpty())
        obj.insert(QLatin1String("details"), error.details);
    if (error.where.isValid()) {
        obj.insert(QLatin1String("location"), QJsonObject{{QLatin1String("file"), error.where.file},
                                                          {QLatin1String("line"), error.where.line},
                                                          {QLatin1String("column"), error.where.column}});
    }
    return obj;
}

core::Result<core::Error> MessageCodec::errorFromJson(const QJsonValue &value)
{
    const QJsonObject obj = value.toObject();
    const QJsonValue errorCode = obj.value(QLatin1String("code"));
    const QJsonValue message = obj.value(QLatin1String("message"));
    if (!value.isObject() || !errorCode.isString() || errorCode.toString().isEmpty() || !message.isString())
        return badRequest(QStringLiteral("A reply error needs a string \"code\" and \"message\"."));
    core::Error error;
    error.code = errorCode.toString();
    error.message = message.toString();
    error.details = obj.value(QLatin1String("details")).toString();
    // Unknown category names (a newer server) fall back to Internal.
    const QString category = obj.value(QLatin1String("category")).toString();
    for (int c = int(ErrorCategory::Input); c <= int(ErrorCategory::Internal); ++c) {
        if (core::categoryName(ErrorCategory(c)) == category)
            error.category = ErrorCategory(c);
    }
    const QJsonObject where = obj.value(QLatin1String("location")).toObject();
    error.where.file = where.value(QLatin1String("file")).toString();
    error.where.line = where.value(QLatin1String("line")).toInt();
    error.where.column = where.value(QLatin1String("column")).toInt();
    return error;
}

} // namespace rr::ipc
