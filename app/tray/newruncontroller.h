#pragma once

#include "choicelistmodel.h"
#include "planreportmodel.h"
#include "planservicemodel.h"
#include "plansummary.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace rr::ipc {
class ControlHandler;
}

namespace rr::tray {

class ConsentStore;
class RunController;

// The new-run flow: a URL or folder → the engine's `detect` → its `plan` (services with the
// primary and ports, profiles, service picks, values, runtime, translation report) → `start`.
// It speaks the control API in-process, the same calls the extension and CLI make. When the
// plan refuses something, a second plan with unsafe runs allowed tells the exact consequences
// of the consent, which is remembered per repository (ConsentStore).
// Not final: QML registration derives from it.
class NewRunController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(NewRunController)
    Q_PROPERTY(QString source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(Stage stage READ stage NOTIFY stageChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY stageChanged)
    Q_PROPERTY(QString error READ error NOTIFY stageChanged)
    Q_PROPERTY(rr::tray::PlanSummary summary READ summary NOTIFY summaryChanged)
    Q_PROPERTY(rr::tray::PlanServiceModel *services READ services CONSTANT)
    Q_PROPERTY(rr::tray::ChoiceListModel *profiles READ profiles CONSTANT)
    Q_PROPERTY(rr::tray::PlanReportModel *report READ report CONSTANT)
    // What allowing unsafe runs would change: each refused line as it would read then.
    Q_PROPERTY(rr::tray::PlanReportModel *consequences READ consequences CONSTANT)
    // "NAME=value" lines, the CLI's --set.
    Q_PROPERTY(QString valuesText READ valuesText WRITE setValuesText NOTIFY valuesChanged)
    Q_PROPERTY(QString valuesError READ valuesError NOTIFY valuesChanged)
    Q_PROPERTY(QString runtime READ runtime WRITE setRuntime NOTIFY runtimeChanged)
    Q_PROPERTY(QString repository READ repository NOTIFY consentChanged)
    Q_PROPERTY(bool unsafeAllowed READ unsafeAllowed NOTIFY consentChanged)
    Q_PROPERTY(bool canStart READ canStart NOTIFY stageChanged)

public:
    enum Stage
    {
        Idle,
        Detecting,
        Planning,
        Planned,
        Starting,
        Failed,
    };
    Q_ENUM(Stage)

    NewRunController(ipc::ControlHandler *engine, RunController *runs, ConsentStore *consent,
                     QObject *parent = nullptr);

    QString source() const { return m_source; }
    void setSource(const QString &source);
    Stage stage() const { return m_stage; }
    bool busy() const { return m_stage == Detecting || m_stage == Planning || m_stage == Starting; }
    QString error() const { return m_error; }
    PlanSummary summary() const { return m_summary; }
    PlanServiceModel *services() const { return m_services; }
    ChoiceListModel *profiles() const { return m_profiles; }
    PlanReportModel *report() const { return m_report; }
    PlanReportModel *consequences() const { return m_consequences; }
    QString valuesText() const { return m_valuesText; }
    void setValuesText(const QString &text);
    QString valuesError() const { return m_valuesError; }
    QString runtime() const { return m_runtime; }
    void setRuntime(const QString &runtime);
    QString repository() const { return m_repository; }
    bool unsafeAllowed() const;
    bool canStart() const;
    // The settings' network mode: offline plans and runs use cached checkouts and local images.
    void setOffline(bool offline) { m_offline = offline; }

    // "NAME=value" lines to a map; the error names the first bad line.
    static QMap<QString, QString> parseValues(const QString &text, QString *error);
    // "~/x" and relative folders as absolute paths; URLs as typed.
    static QString normaliseSource(const QString &text);

    Q_INVOKABLE void detect();
    Q_INVOKABLE void replan();
    // A pick in the service picker; the first one turns "everything" into an explicit list.
    Q_INVOKABLE void pickService(const QString &name, bool picked);
    Q_INVOKABLE void pickProfile(const QString &name, bool on);
    Q_INVOKABLE void allowUnsafe();
    Q_INVOKABLE void revokeUnsafe();
    Q_INVOKABLE void start();
    Q_INVOKABLE void reset();
    // A non-modal folder dialog; the folder becomes the source and is detected.
    Q_INVOKABLE void chooseFolder();

Q_SIGNALS:
    void sourceChanged();
    void stageChanged();
    void summaryChanged();
    void valuesChanged();
    void runtimeChanged();
    void consentChanged();
    void started(const QString &runId);

private:
    QJsonObject options(bool allowUnsafe) const;
    QJsonObject params(bool allowUnsafe) const;
    void setStage(Stage stage, const QString &error = {});
    void clearPlan();
    void takePlan(const QJsonObject &plan);
    void takeConsequences(const QJsonObject &unsafePlan);

    ipc::ControlHandler *m_engine;
    RunController *m_runs;
    ConsentStore *m_consent;
    QString m_source;
    QString m_repository;
    QString m_projectDir;
    Stage m_stage = Idle;
    QString m_error;
    PlanSummary m_summary;
    PlanServiceModel *m_services;
    ChoiceListModel *m_profiles;
    PlanReportModel *m_report;
    PlanReportModel *m_consequences;
    QStringList m_picks; // empty: what the active profiles enable
    QString m_valuesText;
    QString m_valuesError;
    QMap<QString, QString> m_values;
    QString m_runtime = QStringLiteral("auto");
    bool m_offline = false;
    quint64 m_generation = 0; // answers to an older request are dropped
};

} // namespace rr::tray
