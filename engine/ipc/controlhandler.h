#pragma once

#include "core/promises.h"
#include "core/result.h"

#include <QFuture>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace rr::ipc {

using HandlerResult = core::Result<QJsonValue>;

// What the control server asks to do the work of a request. The engine implements it; tests
// use a fake. Params have already been validated against the method's schema. Replies are
// futures so long operations (clone, plan, start) never block the server's thread; the
// future must finish on, or be continued to, any thread — the server picks the result up on
// its own thread. `subscribe` is handled by the server itself and never reaches the handler.
class ControlHandler
{
public:
    virtual ~ControlHandler() = default;
    virtual QFuture<HandlerResult> handle(const QString &method, const QJsonObject &params) = 0;

    // A future that is already finished, for answers that need no waiting.
    static QFuture<HandlerResult> ready(HandlerResult result)
    {
        return core::promises::ready(std::move(result));
    }
};

} // namespace rr::ipc
