#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QString>

namespace rr::ipc {

// The parameter schema of every protocol-v1 method, checked before a request reaches the
// handler so the engine only ever sees well-typed params. Unknown fields are refused: the
// protocol version, not silent tolerance, is how the schema grows.
class ParamValidator final
{
public:
    // Fails with ipc.unknown_method or ipc.bad_params.
    static core::Result<void> validate(const QString &method, const QJsonObject &params);
};

} // namespace rr::ipc
