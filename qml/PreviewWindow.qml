import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtWebEngine
import RepoRunner.Tray

// A run's preview inside the app (builds with Qt WebEngine only; Main.qml loads this file when
// TrayUi.preview opens a run). The view has its own off-the-record profile and stays on the
// run's own origin: a page that navigates elsewhere is stopped, and the address is offered to
// the browser, which opens it only when the user clicks.
ApplicationWindow {
    id: previewWindow
    objectName: "previewWindow"
    width: 1024
    height: 720
    visible: true
    title: "Preview: " + TrayUi.preview.title
    // The last navigation (or new window) the view refused.
    property string blockedUrl: ""

    onClosing: TrayUi.preview.close()

    Connections {
        target: TrayUi.preview
        function onRaiseRequested() {
            previewWindow.raise()
            previewWindow.requestActivate()
        }
    }

    // No storage name and off the record: cookies, cache and local storage live in memory, for
    // this window only. Nothing is shared with a browser profile or another run's preview.
    WebEngineProfile {
        id: privateProfile
        offTheRecord: true
        httpCacheType: WebEngineProfile.MemoryHttpCache
        persistentCookiesPolicy: WebEngineProfile.NoPersistentCookies
        onDownloadRequested: download => download.cancel()
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.margins: 4
            Label {
                objectName: "previewAddress"
                Layout.fillWidth: true
                text: "" + web.url
                textFormat: Text.PlainText
                elide: Text.ElideMiddle
            }
            Button {
                objectName: "previewReloadButton"
                text: "Reload"
                onClicked: web.reload()
            }
            Button {
                objectName: "previewOpenInBrowserButton"
                text: "Open in browser"
                Accessible.name: "Open this preview in the browser"
                onClicked: TrayUi.preview.openInBrowser(web.url)
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Pane {
            objectName: "previewBlocked"
            Layout.fillWidth: true
            visible: previewWindow.blockedUrl !== ""
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: "Not opened here: " + previewWindow.blockedUrl + " is outside this run's preview ("
                          + TrayUi.preview.origin + ")."
                }
                Button {
                    objectName: "previewOpenBlockedButton"
                    text: "Open in browser"
                    Accessible.name: "Open the refused address in the browser"
                    onClicked: TrayUi.preview.openInBrowser(previewWindow.blockedUrl)
                }
                Button {
                    text: "Dismiss"
                    onClicked: previewWindow.blockedUrl = ""
                }
            }
        }

        WebEngineView {
            id: web
            objectName: "previewView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            profile: privateProfile
            // Set once the profile is in place, so the first request already uses it.
            Component.onCompleted: web.url = TrayUi.preview.url

            // Only the page's own frame leaving the run's origin is refused: frames inside it
            // are the page's business, as in any browser.
            onNavigationRequested: request => {
                if (!request.isMainFrame || TrayUi.preview.allows(request.url))
                    return
                request.reject()
                previewWindow.blockedUrl = "" + request.url
            }
            // No second view: a page's window.open or target=_blank opens nothing here.
            onNewWindowRequested: request => previewWindow.blockedUrl = "" + request.requestedUrl
            onFeaturePermissionRequested: (securityOrigin, feature) => web.grantFeaturePermission(securityOrigin,
                                                                                              feature, false)
        }
    }
}
