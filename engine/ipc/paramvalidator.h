#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QString>

namespace rr::ipc {

// Checks a request's params against protocol.json (generated into protocolschema.h) before it
// reaches the handler, so the engine only ever sees well-typed params. Unknown fields, nested
// options included, are refused: the protocol version, not silent tolerance, is how it grows.
class ParamValidator final
{
public:
    // Fails with ipc.unknown_method or ipc.bad_params.
    static core::Result<void> validate(const QString &method, const QJsonObject &params);
};

} // namespace rr::ipc
