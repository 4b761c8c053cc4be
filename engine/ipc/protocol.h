#pragma once

// The control API's shared constants: socket location, protocol version, size limits and the
// stable error codes. The app, the CLI and the native host all include this one header so
// they can never disagree about the wire.

#include "core/result.h"
#include "ipc/protocolschema.h"

#include <QLatin1String>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <iterator>
#include <string_view>

namespace rr::ipc {

// From protocol.json, which the extension's types are generated from too.
inline constexpr int kProtocolVersion = schema::kProtocolVersion;

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
inline constexpr QLatin1String AuthSetToken("auth.setToken");
inline constexpr QLatin1String AuthClearToken("auth.clearToken");
inline constexpr QLatin1String AuthStatus("auth.status");
inline constexpr QLatin1String Remove("remove");
inline constexpr QLatin1String Prune("prune");
} // namespace method

// Every name above must be a method of protocol.json: renaming one there breaks this build.
consteval bool isSchemaMethod(QLatin1String name)
{
    for (const schema::MethodSchema &m : schema::k_methods)
        if (std::string_view(name.data(), size_t(name.size())) == m.name)
            return true;
    return false;
}
static_assert(isSchemaMethod(method::Hello) && isSchemaMethod(method::Detect) &&
              isSchemaMethod(method::Plan) && isSchemaMethod(method::Start) && isSchemaMethod(method::Stop) &&
              isSchemaMethod(method::List) && isSchemaMethod(method::Get) &&
              isSchemaMethod(method::Subscribe) && isSchemaMethod(method::Logs) &&
              isSchemaMethod(method::OpenPreview) && isSchemaMethod(method::Settings) &&
              isSchemaMethod(method::AuthSetToken) && isSchemaMethod(method::AuthClearToken) &&
              isSchemaMethod(method::AuthStatus) && isSchemaMethod(method::Remove) &&
              isSchemaMethod(method::Prune));
static_assert(std::size(schema::k_methods) == 16,
              "a method was added to protocol.json: name and handle it here");

// Methods the native host answers itself, without the app.
namespace hostMethod {
inline constexpr QLatin1String Status("host.status");
} // namespace hostMethod
static_assert(std::string_view(schema::k_hostMethods[0].name) ==
                  std::string_view(hostMethod::Status.data(), size_t(hostMethod::Status.size())),
              "protocol.json's hostMethods must start with host.status");

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
// The other end of the socket runs as another user (SO_PEERCRED).
inline constexpr QLatin1String UntrustedPeer("ipc.untrusted_peer");
inline constexpr QLatin1String ListenFailed("ipc.listen_failed");
} // namespace code

// Every method protocol.json describes, in its (alphabetical) order.
QStringList knownMethods();

// The per-user directory the socket lives in: $XDG_RUNTIME_DIR/reporunner, or
// /tmp/reporunner-<uid> when XDG_RUNTIME_DIR is unset.
QString runtimeDirectory();
// $RUNTIME_DIR/control.sock.
QString defaultSocketPath();

// Creates `dir` with mode 0700 if missing and refuses one that is a symlink, owned by another
// user or reachable by group/others (someone could pre-create it in /tmp to intercept us).
core::Result<void> ensurePrivateDirectory(const QString &dir);
// The same checks without creating or changing anything: what a client does.
core::Result<void> checkPrivateDirectory(const QString &dir);

// What every client checks before connecting to `socketPath`: the default location's
// directory must be private (checkPrivateDirectory); a directory named by the user
// (--socket, REPORUNNER_SOCKET) must at least be ours or root's, not a symlink, and not
// writable by others unless sticky like /tmp. A directory that does not exist passes: nothing
// listens there, and the connection simply fails.
core::Result<void> checkSocketDirectory(const QString &socketPath);

// SO_PEERCRED: the process at the other end of a connected Unix socket runs as our user.
// The server checks its clients and every client its server.
core::Result<void> checkPeerIsUs(qintptr socketDescriptor);

} // namespace rr::ipc
