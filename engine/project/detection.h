#pragma once

#include <QString>
#include <QStringList>

namespace rr::project {

enum class ProjectMode
{
    Compose,
    Dockerfile
};

// A Dockerfile found in the project, with the build context it expects.
struct DockerfileCandidate
{
    QString dockerfile; // path relative to the project root
    QString context;    // build context relative to the project root ("." normally)
};

struct Detection
{
    QString root;                           // absolute project root (empty for file-list detection)
    QStringList composeFiles;               // relative; the main file then its override, in load order
    QList<DockerfileCandidate> dockerfiles; // best first
    QStringList composeServices;            // names, when the compose file could be read
    bool hasCompose() const { return !composeFiles.isEmpty(); }
    bool hasDockerfile() const { return !dockerfiles.isEmpty(); }
    ProjectMode defaultMode() const { return hasCompose() ? ProjectMode::Compose : ProjectMode::Dockerfile; }
};

} // namespace rr::project
