#pragma once

#include <QString>
#include <QStringList>

namespace rr::nativehost {

// The extension ids this host answers. The id is fixed by the `key` in extension/manifest.json.
const QStringList &allowedExtensionIds();

// Chrome passes the caller as argv[1]: "chrome-extension://<id>/". True only for our ids.
bool isAllowedOrigin(const QString &origin);

} // namespace rr::nativehost
