#pragma once
// Shared by the Kubernetes tests: how a plan's images reach "the cluster". On the simulator they
// are announced through its control API under their own names, as kind's node import leaves
// them. Where pods really run (the local cluster's --node real, or an external cluster), they are
// built by the real Docker daemon as BUILDING would, and LOADING delivers them as the engine does
// for a local cluster (kind::ClusterImageLoader: a push to the cluster's KEP-1755 registry).

#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "kind/clusterimageloader.h"
#include "kube/kuberuntime.h"
#include "kubetestenv.h"
#include "plan/runplan.h"
#include "test_dockerfixture.h"
#include "test_kube_support.h"

#include <memory>

namespace rr::test {

class ClusterImages final
{
public:
    explicit ClusterImages(const kubeapi::KubeTestEnv &env)
        : m_env(env)
    {}

    // Empty when images can be made: always on the simulator; elsewhere when Docker answers and
    // busybox:1.36 (the test images' base) exists. Else why not.
    QString prepare()
    {
        if (!m_env.runsPods())
            return {};
        auto host = docker::DockerHost::fromEnvironment();
        if (!host)
            return host.error().message;
        m_docker = std::make_unique<docker::DockerClient>(*host);
        return prepareDocker(*m_docker);
    }

    // The runtime's LOADING step for KubeOptions::imageLoader.
    kind::ClusterImageLoader::Loader loader()
    {
        if (m_env.runsPods())
            return kind::ClusterImageLoader::make(m_docker.get(), QString());
        const kubeapi::KubeTestEnv *env = &m_env;
        return [env](const kube::ImageLoadRequest &request) {
            for (const plan::ServicePlan &s : request.plan.services)
                env->control(QStringLiteral("images"), {{QStringLiteral("image"), s.image}});
            return core::promises::ready(core::Result<kube::ImageMap>(kube::ImageMap()));
        };
    }

    // BUILDING (where pods really run) and then the runtime's LOADING. False with a warning that
    // says why on failure.
    bool load(kube::KubeRuntime &runtime, const plan::RunPlan &plan)
    {
        if (m_env.runsPods()) {
            const QString why = build(plan);
            if (!why.isEmpty()) {
                qWarning("building %s failed: %s", qPrintable(plan.runId), qPrintable(why));
                return false;
            }
        }
        const auto loaded = awaitFuture(runtime.loadImages(plan), 180000);
        if (!loaded)
            qWarning("loading failed: %s", qPrintable(loaded.error().toString()));
        return loaded.has_value();
    }

    // Where pods really run: puts an image the daemon already has (e.g. busybox:1.36) into the
    // cluster's registry as LOADING would, and returns the reference pods use. Empty on failure.
    QString deliverExisting(const QString &image)
    {
        plan::RunPlan plan;
        plan.runId = QStringLiteral("images");
        plan::ServicePlan service;
        service.name = QStringLiteral("image");
        service.image = image;
        service.build = plan::PlanBuild{}; // "built here": what the loader moves
        plan.services << service;
        const auto hosting = kube::LocalRegistryHosting::fromConfigMap(
            m_env
                .request("GET",
                         QStringLiteral("/api/v1/namespaces/kube-public/configmaps/local-registry-hosting"))
                .json());
        if (!hosting || !*hosting)
            return {};
        const auto delivered = awaitFuture(loader()({plan, **hosting, {}}), 180000);
        return delivered ? delivered->deliveredFor(image) : QString();
    }

    // The reference map LOADING makes for `plan` (its images must be built already).
    std::optional<kube::ImageMap> deliveredMap(const plan::RunPlan &plan)
    {
        const auto hosting = kube::LocalRegistryHosting::fromConfigMap(
            m_env
                .request("GET",
                         QStringLiteral("/api/v1/namespaces/kube-public/configmaps/local-registry-hosting"))
                .json());
        if (!hosting)
            return std::nullopt;
        const auto delivered = awaitFuture(loader()({plan, *hosting, {}}), 180000);
        if (!delivered)
            return std::nullopt;
        return *delivered;
    }

private:
    // Builds every service with a build section under the image name the plan gives it.
    QString build(const plan::RunPlan &plan)
    {
        for (const plan::ServicePlan &s : plan.services) {
            if (!s.build)
                continue;
            docker::ImageBuilder builder(m_docker.get());
            docker::BuildRequest request;
            request.contextDir = s.build->contextDir;
            request.dockerfile = s.build->dockerfile;
            request.buildArgs = s.build->args;
            request.tag = s.image;
            request.builder = docker::BuilderKind::Classic;
            const auto built = await(builder.build(request));
            if (!built)
                return s.name + QStringLiteral(": ") + built.error().message;
        }
        return {};
    }

    const kubeapi::KubeTestEnv &m_env;
    std::unique_ptr<docker::DockerClient> m_docker;
};

} // namespace rr::test
