#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

class RunListModel;

// Where a run's preview opens: in the app's own embedded view when the build has Qt WebEngine
// (`embedded`), otherwise in the user's browser. The embedded view shows one run at a time and
// may only navigate within that run's own origin (its 127.77.x.y address and port); anything
// else is the browser's business, and only when the user asks.
// Not final: QML registration derives from it.
class PreviewController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(PreviewController)
    Q_PROPERTY(bool embedded READ embedded CONSTANT)
    // The run the embedded view shows; empty while it is closed.
    Q_PROPERTY(QString runId READ runId NOTIFY previewChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY previewChanged)
    Q_PROPERTY(QString title READ title NOTIFY previewChanged)
    // "http://127.77.0.5:8000": what the view may navigate within.
    Q_PROPERTY(QString origin READ origin NOTIFY previewChanged)

public:
    PreviewController(RunListModel *runs, bool embedded, QObject *parent = nullptr);

    bool embedded() const { return m_embedded; }
    QString runId() const { return m_runId; }
    QUrl url() const { return m_url; }
    QString title() const { return m_title; }
    QString origin() const;

    // Shows the run's primary preview: embedded, or handed to the browser.
    Q_INVOKABLE void open(const QString &runId);
    // The embedded view closed (its window, or its run stopped).
    Q_INVOKABLE void close();
    // Whether the embedded view may go to `target`: the same scheme, host and port as the
    // preview it opened on.
    Q_INVOKABLE bool allows(const QUrl &target) const;
    // Hands `target` to the user's browser: only ever called on a user's click.
    Q_INVOKABLE void openInBrowser(const QUrl &target);

    static bool sameOrigin(const QUrl &a, const QUrl &b);

Q_SIGNALS:
    void previewChanged();
    // open() asked again for the run already shown: the view comes to the front.
    void raiseRequested();
    // A message for the window's status line.
    void message(const QString &text);

private:
    void onRunsChanged();

    RunListModel *m_runs;
    bool m_embedded;
    QString m_runId;
    QUrl m_url;
    QString m_title;
};

} // namespace rr::tray
