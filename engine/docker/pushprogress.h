#pragma once

#include "core/linebuffer.h"

#include "core/error.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace rr::docker {

// What one `POST /images/{name}/push` did, layer by layer.
struct PushReport
{
    QString reference;          // what was pushed, "host/repo:tag"
    QString digest;             // the manifest digest the registry now serves under the tag
    QStringList pushedLayers;   // short layer ids whose blobs were uploaded
    QStringList existingLayers; // short layer ids the registry already held (or mounted)
    qint64 bytesPushed = 0;     // Docker's own count of the uploaded layers' bytes

    int layersPushed() const { return int(pushedLayers.size()); }
    int layersExisting() const { return int(existingLayers.size()); }
};

// Decodes the newline-delimited JSON a push answers with. Docker asks the registry for every
// blob first and only uploads the missing ones, so a layer ends either "Pushed" or "Layer
// already exists" ("Mounted from" for a cross-repository mount). Bytes are the last
// progressDetail.current Docker reported per uploaded layer.
class PushProgress final
{
public:
    void feed(const QByteArray &chunk);
    void finish(); // flushes a last line without '\n'

    // The report so far; `reference` is left to the caller.
    PushReport report() const;
    // The daemon's errorDetail/error, if the push failed part-way (the HTTP status is still 200).
    std::optional<QString> errorMessage() const { return m_error; }

private:
    void handleLine(const QByteArray &line);

    core::LineBuffer m_lines;
    QHash<QString, qint64> m_current; // layer id -> bytes Docker reported so far
    QStringList m_pushed;
    QStringList m_existing;
    QString m_digest;
    std::optional<QString> m_error;
};

} // namespace rr::docker

Q_DECLARE_METATYPE(rr::docker::PushReport)
