#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace rr::ipc {

// A decoded request: {"v":2,"id":…,"method":…,"params":{…}}. `id` is a string or an integer.
struct Request
{
    QJsonValue id;
    QString method;
    QJsonObject params;
};

// What a client receives: a reply to one of its requests or a pushed event.
struct Incoming
{
    enum class Kind
    {
        Reply,
        Event,
    };
    Kind kind = Kind::Reply;
    QJsonValue id;                    // Reply: the request's id (null when the server could not read it)
    QJsonValue result;                // Reply: on success
    std::optional<core::Error> error; // Reply: on failure
    QString event;                    // Event: its name
    QJsonObject data;                 // Event: its payload
};

} // namespace rr::ipc
