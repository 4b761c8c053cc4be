#pragma once

#include "core/result.h"
#include "ipc/message.h"

#include <QByteArray>
#include <QByteArrayView>

namespace rr::ipc {

// Encodes and strictly validates the JSON messages carried inside frames.
class MessageCodec final
{
public:
    // Parses a request. `id` receives the request's id as soon as it is known to be valid, so
    // even a request that fails later (bad version, bad params) can get a correlated reply.
    static core::Result<Request> decodeRequest(QByteArrayView payload, QJsonValue *id = nullptr);
    // Parses a reply or an event (client side).
    static core::Result<Incoming> decodeIncoming(QByteArrayView payload);

    static QByteArray encodeRequest(const Request &request);
    static QByteArray encodeResult(const QJsonValue &id, const QJsonValue &result);
    static QByteArray encodeError(const QJsonValue &id, const core::Error &error);
    static QByteArray encodeEvent(const QString &name, const QJsonObject &data);

    // The wire form of an error: {code, message, category, details?, location?}.
    static QJsonObject errorToJson(const core::Error &error);
    static core::Result<core::Error> errorFromJson(const QJsonValue &value);

    // A string of 1..256 characters, or an integer a double holds exactly.
    static bool isValidId(const QJsonValue &id);
};

} // namespace rr::ipc
