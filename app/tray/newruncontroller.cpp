#include "newruncontroller.h"

#include "choicelistmodel.h"
#include "consentstore.h"
#include "planreportmodel.h"
#include "planservicemodel.h"
#include "runcontroller.h"
#include "traylog.h"

#include "ipc/controlhandler.h"
#include "ipc/protocol.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

namespace rr::tray {

NewRunController::NewRunController(ipc::ControlHandler *engine, RunController *runs, ConsentStore *consent,
                                   QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_runs(runs)
    , m_consent(consent)
    , m_services(new PlanServiceModel(this))
    , m_profiles(new ChoiceListModel(this))
    , m_report(new PlanReportModel(this))
    , m_consequences(new PlanReportModel(this))
{
    connect(m_consent, &ConsentStore::changed, this, &NewRunController::consentChanged);
}

void NewRunController::setSource(const QString &source)
{
    if (source == m_source)
        return;
    m_source = source;
    Q_EMIT sourceChanged();
}

void NewRunController::setValuesText(const QString &text)
{
    if (text == m_valuesText)
        return;
    m_valuesText = text;
    m_values = parseValues(text, &m_valuesError);
    Q_EMIT valuesChanged();
    Q_EMIT stageChanged(); // canStart follows the values' validity
}

void NewRunController::setRuntime(const QString &runtime)
{
    if (runtime == m_runtime)
        return;
    m_runtime = runtime;
    Q_EMIT runtimeChanged();
}

bool NewRunController::unsafeAllowed() const
{
    return !m_repository.isEmpty() && m_consent->allows(m_repository);
}

bool NewRunController::canStart() const
{
    return m_stage == Planned && m_summary.refused == 0 && m_valuesError.isEmpty();
}

QMap<QString, QString> NewRunController::parseValues(const QString &text, QString *error)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    QMap<QString, QString> values;
    error->clear();
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = eq > 0 ? line.left(eq).trimmed() : QString();
        if (!name.match(key).hasMatch()) {
            *error = QStringLiteral("Line %1: write NAME=value (a letter or _ first).").arg(i + 1);
            return {};
        }
        values.insert(key, line.mid(eq + 1));
    }
    return values;
}

QString NewRunController::normaliseSource(const QString &text)
{
    QString spec = text.trimmed();
    if (spec.startsWith(QLatin1String("~/")))
        spec = QDir::home().filePath(spec.mid(2));
    if (!spec.contains(QLatin1String("://")) && !spec.startsWith(QLatin1String("git@")) &&
        QFileInfo::exists(spec))
        spec = QFileInfo(spec).absoluteFilePath();
    return spec;
}

void NewRunController::setStage(Stage stage, const QString &error)
{
    m_stage = stage;
    m_error = error;
    Q_EMIT stageChanged();
}

QJsonObject NewRunController::options(bool allowUnsafe) const
{
    QJsonObject values;
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        values.insert(it.key(), it.value());
    QJsonObject o{{QStringLiteral("runtime"), m_runtime}};
    if (const QStringList profiles = m_profiles->checked(); !profiles.isEmpty())
        o.insert(QStringLiteral("profiles"), QJsonArray::fromStringList(profiles));
    if (!m_picks.isEmpty())
        o.insert(QStringLiteral("services"), QJsonArray::fromStringList(m_picks));
    if (!values.isEmpty())
        o.insert(QStringLiteral("values"), values);
    if (allowUnsafe)
        o.insert(QStringLiteral("allowUnsafe"), true);
    if (m_offline)
        o.insert(QStringLiteral("offline"), true);
    return o;
}

QJsonObject NewRunController::params(bool allowUnsafe) const
{
    return QJsonObject{{QStringLiteral("source"), m_source},
                       {QStringLiteral("options"), options(allowUnsafe)}};
}

void NewRunController::detect()
{
    const QString source = normaliseSource(m_source);
    setSource(source);
    m_repository = ConsentStore::repositoryKey(source);
    Q_EMIT consentChanged();
    clearPlan();
    if (m_repository.isEmpty()) {
        setStage(
            Failed,
            source.isEmpty()
                ? QStringLiteral("Enter a repository URL or a local folder.")
                : QStringLiteral("\"%1\" is neither a repository URL nor a folder.").arg(source.left(200)));
        return;
    }
    const quint64 generation = ++m_generation;
    setStage(Detecting);
    m_engine->handle(ipc::method::Detect, QJsonObject{{QStringLiteral("source"), source}})
        .then(this, [this, generation](const ipc::HandlerResult &detected) {
            if (generation != m_generation)
                return;
            if (!detected) {
                setStage(Failed, detected.error().message);
                return;
            }
            m_summary.detected = PlanSummary::detectedText(detected->toObject());
            Q_EMIT summaryChanged();
            replan();
        });
}

void NewRunController::replan()
{
    if (m_repository.isEmpty() || !m_valuesError.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    setStage(Planning);
    const bool unsafe = unsafeAllowed();
    m_engine->handle(ipc::method::Plan, params(unsafe))
        .then(this, [this, generation, unsafe](const ipc::HandlerResult &planned) {
            if (generation != m_generation)
                return;
            if (!planned) {
                setStage(Failed, planned.error().message);
                return;
            }
            takePlan(planned->toObject());
            m_consequences->setRows({});
            if (m_summary.refused == 0 || unsafe) {
                setStage(Planned);
                return;
            }
            // Refused lines: the same plan with unsafe runs allowed says what consent changes.
            setStage(Planned);
            m_engine->handle(ipc::method::Plan, params(true))
                .then(this, [this, generation](const ipc::HandlerResult &unsafePlan) {
                    if (generation == m_generation && unsafePlan)
                        takeConsequences(unsafePlan->toObject());
                });
        });
}

void NewRunController::takePlan(const QJsonObject &plan)
{
    m_projectDir = plan.value(QStringLiteral("projectDir")).toString();
    QStringList profiles;
    for (const QJsonValue &p : plan.value(QStringLiteral("profiles")).toArray())
        profiles.append(p.toString());
    m_profiles->setNames(profiles);
    m_services->setRows(PlanServiceModel::rowsFrom(plan, m_picks));
    m_report->setRows(
        PlanReportModel::rowsFrom(plan.value(QStringLiteral("report")).toArray(), m_projectDir));
    m_summary.takePlan(plan);
    Q_EMIT summaryChanged();
}

void NewRunController::takeConsequences(const QJsonObject &unsafePlan)
{
    // Each refused line of the safe plan as the unsafe plan words it (adapted, or still refused).
    const QList<ReportRow> lifted =
        PlanReportModel::rowsFrom(unsafePlan.value(QStringLiteral("report")).toArray(), m_projectDir);
    QList<ReportRow> rows;
    for (const ReportRow &refused : m_report->rows()) {
        if (refused.status != QLatin1String("refused"))
            continue;
        const auto same = std::find_if(lifted.cbegin(), lifted.cend(), [&refused](const ReportRow &r) {
            return r.service == refused.service && r.key == refused.key && r.location == refused.location;
        });
        rows.append(same != lifted.cend() ? *same : refused);
    }
    m_consequences->setRows(rows);
}

void NewRunController::pickService(const QString &name, bool picked)
{
    if (m_picks.isEmpty()) {
        for (const PlanServiceRow &r : m_services->rows()) {
            if (r.planned)
                m_picks.append(r.name);
        }
    }
    if (picked && !m_picks.contains(name))
        m_picks.append(name);
    else if (!picked)
        m_picks.removeAll(name);
    replan();
}

void NewRunController::pickProfile(const QString &name, bool on)
{
    QStringList checked = m_profiles->checked();
    if (on && !checked.contains(name))
        checked.append(name);
    else if (!on)
        checked.removeAll(name);
    m_profiles->setChecked(checked);
    // Profiles change what "everything" is: the service picks start over.
    m_picks.clear();
    replan();
}

void NewRunController::allowUnsafe()
{
    m_consent->allow(m_repository);
    replan();
}

void NewRunController::revokeUnsafe()
{
    m_consent->revoke(m_repository);
    replan();
}

void NewRunController::start()
{
    if (!canStart())
        return;
    const quint64 generation = ++m_generation;
    setStage(Starting);
    m_engine->handle(ipc::method::Start, params(unsafeAllowed()))
        .then(this, [this, generation](const ipc::HandlerResult &answer) {
            if (generation != m_generation)
                return;
            if (!answer) {
                setStage(Failed, answer.error().message);
                return;
            }
            const QString runId = answer->toObject()
                                      .value(QStringLiteral("run"))
                                      .toObject()
                                      .value(QStringLiteral("id"))
                                      .toString();
            qCInfo(lcTray) << "started run" << runId << "from the plan";
            setStage(Idle);
            m_runs->select(runId);
            Q_EMIT started(runId);
        });
}

// Forgets the last plan: picks, profiles, services, report and summary.
void NewRunController::clearPlan()
{
    m_picks.clear();
    m_profiles->setNames({});
    m_services->setRows({});
    m_report->setRows({});
    m_consequences->setRows({});
    m_summary = PlanSummary();
    Q_EMIT summaryChanged();
}

void NewRunController::reset()
{
    ++m_generation;
    m_repository.clear();
    clearPlan();
    Q_EMIT consentChanged();
    setStage(Idle);
}

void NewRunController::chooseFolder()
{
    auto *dialog = new QFileDialog(nullptr, QStringLiteral("Choose a project folder"), QDir::homePath());
    dialog->setObjectName(QStringLiteral("newRunFolderDialog"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &folder) {
        setSource(folder);
        detect();
    });
    dialog->open();
}

} // namespace rr::tray
