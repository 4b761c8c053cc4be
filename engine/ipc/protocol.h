#pragma once

// The control API's shared constants: socket location, protocol version, size limits and the
// stable error codes. The app, the CLI and the native host all include this one header so
// they can never disagree about the wire.

#include "core/result.h"

#include <QLatin1String>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace rr::ipc {

inline constexpr int kProtocolVersion = 1;

// Largest JSON payload accepted or sent in one frame (app <-> local clients).
inline constexpr std::uint32_t kMaxMessageSize = 4u * 1024u * 1024u;
// Bytes the 4-byte big-endian length prefix takes.
inline constexpr int kFrameHeaderSize = 4;
// Outgoing bytes a connection may have queued before it counts as a slow consumer.
inline constexpr qint64 kDefaultOutgoingBudget = 8 * 1024 * 1024;

// Method names (PRODUCT.md §9).
namespace method {
inline constexpr QLatin1String Hello("hello");
inline constexpr QLatin1String Detect("detect");
inline constexpr QLatin1String Plan("plan");
inline constexpr QLatin1String Start("start");
inline constexpr QLatin1String Stop("stop");
inline constexpr QLatin1String List("list");
inline constexpr QLatin1String Get("get");
inline constexpr QLatin1String Subscribe("subscribe");
inline constexpr QLatin1String Logs("logs");
inline constexpr QLatin1String OpenPreview("openPreview");
inline constexpr QLatin1String Settings("settings");
} // namespace method

// Pushed event names.
namespace event {
inline constexpr QLatin1String RunUpdated("run.updated");
inline constexpr QLatin1String RunPhase("run.phase");
inline constexpr QLatin1String RunLog("run.log");
// A connection-level failure the server reports before closing (e.g. slow consumer).
inline constexpr QLatin1String Error("error");
} // namespace event

// Stable error codes of the protocol layer; engine codes ("compose.…") pass through unchanged.
namespace code {
inline constexpr QLatin1String BadFrame("ipc.bad_frame");
inline constexpr QLatin1String BadJson("ipc.bad_json");
inline constexpr QLatin1String BadRequest("ipc.bad_request");
inline constexpr QLatin1String TooLarge("ipc.too_large");
inline constexpr QLatin1String UnknownMethod("ipc.unknown_method");
inline constexpr QLatin1String BadParams("ipc.bad_params");
inline constexpr QLatin1String VersionMismatch("ipc.version_mismatch");
inline constexpr QLatin1String SlowConsumer("ipc.slow_consumer");
inline constexpr QLatin1String Busy("ipc.busy");
inline constexpr QLatin1String Internal("ipc.internal");
// Client side only.
inline constexpr QLatin1String Timeout("ipc.timeout");
inline constexpr QLatin1String Disconnected("ipc.disconnected");
// Setting up the server.
inline constexpr QLatin1String AddressInUse("ipc.address_in_use");
inline constexpr QLatin1String UnsafeRuntimeDir("ipc.unsafe_runtime_dir");
inline constexpr QLatin1String ListenFailed("ipc.listen_failed");
} // namespace code

// Every method of protocol version 1, in a stable order.
QStringList knownMethods();

// The per-user directory the socket lives in: $XDG_RUNTIME_DIR/reporunner, or
// /tmp/reporunner-<uid> when XDG_RUNTIME_DIR is unset.
QString runtimeDirectory();
// $RUNTIME_DIR/control.sock.
QString defaultSocketPath();

// Creates `dir` with mode 0700 if missing and refuses one that is a symlink, owned by another
// user or reachable by group/others (someone could pre-create it in /tmp to intercept us).
core::Result<void> ensurePrivateDirectory(const QString &dir);

} // namespace rr::ipc
