#pragma once

#include "core/error.h"
#include "plan/quotasettings.h"
#include "plan/translationreport.h"
#include "project/composeproject.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// The runtime-neutral run plan: what to build, what to start, in which order and inside
// which sandbox. The Kubernetes and Docker runtimes both consume it; nothing in here is
// specific to one of them except where a field says so.
namespace rr::plan {

struct PlanPort
{
    int containerPort = 0;
    QString protocol = QStringLiteral("TCP"); // TCP, UDP or SCTP
    QString name;                             // IANA service name, unique in the service
    int hostPort = 0; // preferred local port: compose `published`, below 1024 moved up (LocalPort); 0 = none
};

// An exec probe; times in whole seconds (Kubernetes' unit), all at least 1 except the delay.
// initialDelaySeconds/periodSeconds are the Kubernetes probe's cadence; the three declared*
// fields are the compose healthcheck's own timing, which Docker's HEALTHCHECK takes as written.
struct PlanProbe
{
    QStringList exec;
    int initialDelaySeconds = 0;
    int periodSeconds = 10;
    int timeoutSeconds = 1;
    int failureThreshold = 3;
    int declaredIntervalSeconds = 30;
    int declaredStartPeriodSeconds = 0;
    int declaredStartIntervalSeconds = 0; // 0 = not declared
};

struct KeyToPath
{
    QString key;   // key in the ConfigMap/Secret
    QString path;  // relative path inside the volume
    int mode = -1; // file mode; -1 = default
};

struct PlanVolume
{
    enum class Kind
    {
        EmptyDir,
        ConfigMap,
        Secret
    };
    QString name; // DNS-1123 label, unique in the pod
    Kind kind = Kind::EmptyDir;
    QString objectName; // ConfigMap/Secret name for those kinds; the run-wide name of a named volume
    // The compose name of a named volume: one volume for the whole run, shared by every service
    // that mounts it (Docker: a labelled volume; Kubernetes: a PersistentVolumeClaim when the
    // cluster has a default StorageClass, else this pod's own emptyDir). Empty: the pod's own.
    QString named;
    QList<KeyToPath> items; // empty = all keys
    bool memory = false;    // tmpfs
    qint64 sizeLimit = 0;   // bytes; 0 = none
};

struct PlanMount
{
    QString volume;
    QString mountPath;
    QString subPath;
    bool readOnly = false;
};

// A ConfigMap or Secret the run creates from repository files or inline content.
struct DataObject
{
    enum class Kind
    {
        ConfigMap,
        Secret
    };
    Kind kind = Kind::ConfigMap;
    QString name;                   // DNS-1123 subdomain
    QString service;                // compose service it was made for; empty = run-wide
    QMap<QString, QByteArray> data; // key -> raw bytes
};

struct PlanBuild
{
    QString contextDir; // absolute, inside the project dir
    QString dockerfile; // relative to contextDir ("Dockerfile" when compose left it empty)
    QString dockerfileInline;
    QMap<QString, QString> args;
    QString target;
    // First 8 hex of SHA-256 over context path, dockerfile, args and target: the inputs known
    // at plan time. The builder may refine it (e.g. with a digest of the context tar) and retag.
    QString contextHash;
};

// A repository file or folder bound into a service but too large for a ConfigMap: the build copies
// it into the service's image at `target` (a snapshot, like the ConfigMap it replaces).
struct PlanBakedPath
{
    QString source; // absolute, inside the project dir
    QString target; // absolute path in the container
    bool isDir = true;
};

struct PlanResources
{
    int cpuLimitMilli = 0; // 0 = unset (LimitRange default applies)
    int cpuRequestMilli = 0;
    qint64 memoryLimit = 0;
    qint64 memoryRequest = 0;
    qint64 pidsLimit = 0; // Docker only; Kubernetes limits pids per node
};

struct PlanDependency
{
    QString service; // compose name
    project::Dependency::Condition condition = project::Dependency::Condition::Started;
    bool required = true;
    bool restart = false; // compose `restart: true`: restart this service when the dependency restarts
};

struct ServicePlan
{
    QString name;    // compose name, as written
    QString dnsName; // DNS-1035 label used for the Service, workload and container
    // Other names that must resolve to this service (the compose name when it differs from
    // dnsName, container_name, network aliases). Docker uses them as network aliases; the
    // Kubernetes renderer turns valid DNS-1035 ones into alias Services and leaves the rest
    // to RunPlan::addressAliases.
    QStringList aliases;
    core::Location where;
    bool primary = false;

    QString image; // image reference to run (ours when built)
    std::optional<PlanBuild> build;
    QList<PlanBakedPath> baked; // copied into the image after `build` (or onto `image`)
    // The image is made on this machine (built, or an image with repository files baked in), so
    // the runtime must not pull it and a cluster must be given it.
    bool imageIsLocal() const { return build.has_value() || !baked.isEmpty(); }
    std::optional<QStringList> command; // compose entrypoint -> container command
    std::optional<QStringList> args;    // compose command -> container args
    QMap<QString, QString> env;
    QList<PlanPort> ports;
    QList<PlanVolume> volumes;
    QList<PlanMount> mounts;
    std::optional<PlanProbe> readiness;
    std::optional<PlanProbe> liveness;
    QList<PlanDependency> dependsOn;
    bool oneShot = false; // a Job: run to completion once
    int replicas = 1;
    PlanResources resources;

    QString user; // as written (Docker); Kubernetes uses runAsUser/runAsGroup
    std::optional<qint64> runAsUser;
    std::optional<qint64> runAsGroup;
    QString workingDir;
    QString hostname;
    QStringList capAdd; // capabilities added back after dropping ALL (safe set + allowed extras)
    QMap<QString, QString> sysctls;
    QList<QPair<QString, QString>> extraHosts; // hostname, ip
    bool readOnlyRootFilesystem = false;
    bool tty = false;
    bool stdinOpen = false;
    // Only ever set when the user allowed unsafe runs; reported as such.
    bool privileged = false;
    bool hostNetwork = false;
    bool hostPid = false;
    bool hostIpc = false;
    QStringList devices; // Docker only; Kubernetes has no device field
};

struct SandboxSettings
{
    QuotaSettings quota;
    bool offline = false;
    bool allowUnsafe = false;
    QString serviceAccount = QStringLiteral("rr-sandbox");
    int terminationGracePeriodSeconds = 5;
    // Kubernetes: the cluster's default StorageClass, found by the runtime before it renders
    // (kuberender::KubeStorage::settle). Set: every named volume is one PersistentVolumeClaim of
    // it. Empty: named volumes are per-pod emptyDirs, not shared between services.
    QString storageClass;
};

// A name that must resolve to a Service but cannot be a Service name itself (e.g. `my_app`).
// Kubernetes needs the Service's ClusterIP for it, known only after the Service exists: the
// runtime applies the Services, stores their IPs in RunPlan::serviceAddresses, then renders
// the workloads (KubeRenderer adds hostAliases, or a hosts file when a name is not a DNS
// subdomain, since the API rejects such hostAliases).
struct AddressAlias
{
    QString hostname;
    QString service; // dnsName of the target service
};

struct RunPlan
{
    QString runId, owner, repo, commit;
    QString projectName;
    QString projectDir;
    QString namespaceName;         // rr-<owner>-<repo>-<runId>, a DNS-1123 label
    QMap<QString, QString> labels; // on every object the run creates

    QList<ServicePlan> services; // selected services, compose file order
    QList<DataObject> dataObjects;
    // Compose named volume -> its run-wide name (a DNS-1123 label, unique in the run).
    QMap<QString, QString> namedVolumes;
    SandboxSettings sandbox;
    // Kubernetes: extra Services that give a service another (valid DNS-1035) name.
    QList<AddressAlias> aliasServices;
    QList<AddressAlias> addressAliases;
    QMap<QString, QString> serviceAddresses; // dnsName -> ClusterIP, filled by the runtime
    // The run's own loopback address (127.77.x.y) its previews listen on, filled by the runtime
    // (runtime::LoopbackAddresses); empty in a plan that was not deployed.
    QString previewAddress;
    // PlanOptions::fastProbes: the runtime also runs health checks itself, faster than declared.
    bool fastProbes = false;
    TranslationReport report;

    const ServicePlan *service(const QString &name) const; // by compose or DNS name
    const ServicePlan *primary() const;
    // Labels for one service's workload and pods (run labels + reporunner.dev/service).
    QMap<QString, QString> serviceLabels(const ServicePlan &service) const;
    // Services grouped in waves: each wave depends only on earlier waves. Empty when the
    // dependencies form a cycle (the planner refuses such projects).
    QList<QStringList> deploymentOrder() const;
};

} // namespace rr::plan
