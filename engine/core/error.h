#pragma once

#include <QMetaType>
#include <QString>

namespace rr::core {

// Broad classes of failure; the UI and exit codes key off these, never off message text.
enum class ErrorCategory
{
    Input,     // bad user input: URL, flags, values
    Source,    // cloning or reading a repository
    Project,   // detection, Dockerfile facts
    Compose,   // compose parsing, interpolation, composition
    Refused,   // the sandbox policy refuses something the repo asks for
    Plan,      // turning a project into a run plan
    Docker,    // Docker Engine API
    Kube,      // Kubernetes API
    Io,        // local files, disk, sockets
    Cancelled, // the user stopped it
    Internal,  // a bug on our side
};

// Where in a user's file something went wrong (1-based; 0 means unknown).
struct Location
{
    QString file;
    int line = 0;
    int column = 0;

    bool isValid() const { return !file.isEmpty(); }
    QString toString() const; // "file:line:column"
};

// An error as a value: a stable code, a message for humans and optional details.
struct Error
{
    ErrorCategory category = ErrorCategory::Internal;
    QString code;    // stable, machine-readable, e.g. "compose.interpolation.required"
    QString message; // one sentence a user can act on
    QString details; // optional extra context (never secrets)
    Location where;

    // "file:line:column: message" when a location is known.
    QString toString() const;
};

QString categoryName(ErrorCategory category);

Error makeError(ErrorCategory category, const QString &code, const QString &message,
                const Location &where = {});

} // namespace rr::core

Q_DECLARE_METATYPE(rr::core::Error)
