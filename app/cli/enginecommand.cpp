#include "enginecommand.h"

#include "engineconnection.h"
#include "terminal.h"

namespace rr::cli {

EngineCommand::EngineCommand(QObject *parent)
    : QObject(parent)
    , m_connection(new EngineConnection(this))
{}

void EngineCommand::fail(int exitCode, const QString &message)
{
    Terminal::error(message);
    finish(exitCode);
}

void EngineCommand::finish(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished(exitCode);
}

} // namespace rr::cli
