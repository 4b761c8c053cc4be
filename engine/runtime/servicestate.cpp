#include "runtime/servicestate.h"

#include <QStringList>

#include <array>
#include <utility>

namespace rr::runtime {

namespace {

constexpr std::array<std::pair<ServiceState, const char *>, 8> Names{{
    {ServiceState::Pending, "pending"},
    {ServiceState::Creating, "creating"},
    {ServiceState::Starting, "starting"},
    {ServiceState::Running, "running"},
    {ServiceState::Healthy, "healthy"},
    {ServiceState::Completed, "completed"},
    {ServiceState::Failed, "failed"},
    {ServiceState::Stopped, "stopped"},
}};

} // namespace

QString serviceStateName(ServiceState state)
{
    for (const auto &[s, name] : Names)
        if (s == state)
            return QString::fromLatin1(name);
    return {};
}

std::optional<ServiceState> serviceStateFromName(QStringView name)
{
    for (const auto &[s, n] : Names)
        if (name == QLatin1String(n))
            return s;
    return std::nullopt;
}

QStringList serviceStateNames()
{
    QStringList out;
    for (const auto &entry : Names)
        out << QString::fromLatin1(entry.second);
    return out;
}

} // namespace rr::runtime
