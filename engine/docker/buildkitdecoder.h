#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace rr::docker {

// The parts of BuildKit's control.StatusResponse that progress reporting needs.
struct BuildKitVertex
{
    QString digest;
    QStringList inputs;
    QString name; // "[2/5] RUN make", "[internal] load build definition from Dockerfile"
    bool cached = false;
    bool started = false;
    bool completed = false;
    QString error;
};

struct BuildKitVertexStatus
{
    QString id;
    QString vertex;
    QString name;
    qint64 current = 0;
    qint64 total = 0;
    bool completed = false;
};

struct BuildKitLog
{
    QString vertex;
    int stream = 1; // 1 stdout, 2 stderr
    QByteArray message;
};

struct BuildKitStatus
{
    QList<BuildKitVertex> vertexes;
    QList<BuildKitVertexStatus> statuses;
    QList<BuildKitLog> logs;
};

// Decodes the protobuf StatusResponse that dockerd sends base64-encoded in
// {"id":"moby.buildkit.trace","aux":"..."}; a small hand-written decoder, since the messages
// are fixed and pulling in protobuf for five fields is not worth it. Unknown fields are skipped.
class BuildKitDecoder final
{
public:
    static core::Result<BuildKitStatus> decode(const QByteArray &protobuf);
    static core::Result<BuildKitStatus> decodeBase64(const QByteArray &base64);
};

} // namespace rr::docker
