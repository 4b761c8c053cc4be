#pragma once

#include "core/error.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// The loaded, interpolated and merged compose model: the contract between the compose
// loader (which fills it) and the planner (which maps it). Everything is already
// normalised from short to long syntax; durations are milliseconds, sizes bytes.
namespace rr::project {

using core::Location;

struct PortMapping
{
    int target = 0;       // container port
    int targetEnd = 0;    // == target unless a range
    int published = 0;    // host port; 0 = not published
    int publishedEnd = 0; // == published unless a range
    QString hostIp;       // as written; the runtimes always bind 127.0.0.1
    QString protocol = QStringLiteral("tcp");
    QString name;        // long syntax `name`
    QString appProtocol; // long syntax `app_protocol`
    QString mode;        // long syntax `mode`
    Location where;
};

struct VolumeMount
{
    enum class Type
    {
        Volume,
        Bind,
        Tmpfs,
        Npipe,
        Cluster,
        Image
    };
    Type type = Type::Volume;
    QString source; // volume name, or bind path exactly as written (after interpolation)
    QString target; // path in the container
    bool readOnly = false;
    bool anonymous = false; // a volume with no source
    QString subpath;
    qint64 tmpfsSize = 0;
    Location where;
};

struct HealthCheck
{
    bool disable = false;
    QStringList test;      // normalised: ["CMD", ...] or ["CMD-SHELL", "cmd"]; empty = inherit image
    qint64 intervalMs = 0; // 0 = not set
    qint64 timeoutMs = 0;
    qint64 startPeriodMs = 0;
    qint64 startIntervalMs = 0;
    int retries = 0;
    Location where;
};

struct Dependency
{
    enum class Condition
    {
        Started,
        Healthy,
        CompletedSuccessfully
    };
    QString service;
    Condition condition = Condition::Started;
    bool required = true;
    bool restart = false;
    Location where;
};

struct BuildSpec
{
    QString context = QStringLiteral("."); // relative to the project dir, or a URL
    QString dockerfile;                    // relative to context; empty = "Dockerfile"
    QString dockerfileInline;
    QMap<QString, QString> args;
    QString target;
    QStringList cacheFrom;
    QStringList tags;
    QMap<QString, QString> labels;
    QMap<QString, QString> additionalContexts;
    QStringList platforms;
    QString network;
    Location where;
};

struct Resources
{
    double cpuLimit = 0; // cores; 0 = unset
    double cpuReservation = 0;
    qint64 memoryLimit = 0; // bytes
    qint64 memoryReservation = 0;
    qint64 pidsLimit = 0;
};

// A service's use of a top-level secret or config.
struct FileGrant
{
    QString source; // top-level name
    QString target; // path in container (absolute), or empty = default path
    QString uid;
    QString gid;
    int mode = -1;
    Location where;
};

struct Service
{
    QString name;
    Location where;
    QString image;
    std::optional<BuildSpec> build;
    std::optional<QStringList> entrypoint; // set (possibly empty) or absent
    std::optional<QStringList> command;
    QMap<QString, QString> environment; // env_file merged first, then `environment` on top
    QStringList envFiles;               // as listed, for the report
    QList<PortMapping> ports;
    QList<PortMapping> expose; // `expose`: target(+range) and protocol only
    QList<VolumeMount> volumes;
    QStringList tmpfs;
    QList<Dependency> dependsOn;
    std::optional<HealthCheck> healthcheck;
    QString restart; // "no", "always", "on-failure[:n]", "unless-stopped"; empty = unset
    QStringList profiles;
    std::optional<int> replicas; // `deploy.replicas` or `scale`
    Resources resources;
    QString user;
    QString workingDir;
    QString hostname;
    QString containerName;
    QString platform;
    QString pullPolicy;
    QString stopSignal;
    qint64 stopGracePeriodMs = 0;
    bool privileged = false;
    bool readOnly = false;
    bool init = false;
    bool tty = false;
    bool stdinOpen = false;
    QString networkMode;
    QString pid;
    QString ipc;
    QString userns;
    QStringList capAdd;
    QStringList capDrop;
    QStringList devices;
    QStringList securityOpt;
    QStringList dns;
    QStringList extraHosts; // "host:ip"
    QMap<QString, QString> labels;
    QMap<QString, QString> sysctls;
    QMap<QString, QStringList> networks; // network name -> aliases
    QList<FileGrant> secrets;
    QList<FileGrant> configs;

    // Every key the service set, as written, with where it was set: the planner reports
    // on each one (mapped, adapted, dropped or refused), including keys it does not model.
    QMap<QString, Location> keys;
};

struct NamedVolume
{
    QString name;
    bool external = false;
    QString driver;
    Location where;
};

struct NamedNetwork
{
    QString name;
    bool external = false;
    bool internal = false;
    QString driver;
    Location where;
};

// A top-level secret or config: one of a file in the repo, an environment value or inline content.
struct FileSource
{
    QString name;
    QString file;        // path as written (relative to the project dir)
    QString environment; // name of a variable in the run's values
    QString content;     // inline `content` (configs)
    bool external = false;
    Location where;
};

struct ComposeProject
{
    QString name;                 // `name:` or derived from the folder
    QString projectDir;           // absolute; bind paths and build contexts resolve here
    QStringList files;            // compose files loaded, in merge order
    QList<Service> services;      // active services only (profiles applied), file order
    QStringList inactiveServices; // skipped because of profiles
    QMap<QString, NamedVolume> volumes;
    QMap<QString, NamedNetwork> networks;
    QMap<QString, FileSource> secrets;
    QMap<QString, FileSource> configs;
    QStringList warnings; // non-fatal notes for the report

    const Service *service(const QString &serviceName) const
    {
        for (const Service &s : services)
            if (s.name == serviceName)
                return &s;
        return nullptr;
    }
};

} // namespace rr::project
